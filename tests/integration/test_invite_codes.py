"""Invite codes: the generator draws only codes the chat parser reads as codes, and every code ever
issued — including older all-digit codes and codes shaped like a task reference («NV9374») — registers
end to end through the router, with «đăng ký CODE», «/start CODE» or «mã mời CODE»."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, update

from conversation.nlu.slots import find_code
from conversation.router import Router
from domain.invite_codes import CODE_ALPHABET, CODE_LENGTH, is_code_shaped, is_new_code, new_code
from storage.models import Invite
from tests.conversation_kit import Chat

_senders = itertools.count(1)
EXAMPLES = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# any code of the alphabet: what the generator drew before its shape rules (legacy invites)
legacy_codes = st.text(alphabet=CODE_ALPHABET, min_size=CODE_LENGTH, max_size=CODE_LENGTH)
# every code the generator can draw today (it draws uniformly from exactly this set)
new_codes = legacy_codes.filter(is_new_code)
# the generator itself, from seeds hypothesis picks
generated = st.integers(min_value=0, max_value=2**64).map(lambda seed: new_code(random.Random(seed).choice))
# the troublesome legacy shapes, drawn on purpose
digit_codes = st.text(alphabet="23456789", min_size=CODE_LENGTH, max_size=CODE_LENGTH)
task_shaped = st.builds(lambda d: "NV" + d, st.text(alphabet="23456789", min_size=4, max_size=4))
PHRASES = ["đăng ký {}", "/start {}", "Mã mời {}", "dang ky {}", "/dangky {}", "đăng ký mã {} nhé"]


@given(generated)
def test_new_codes_have_the_shape_the_parser_needs(code):
    assert is_new_code(code) and is_code_shaped(code)
    assert any(c.isalpha() for c in code) and any(c.isdigit() for c in code)
    assert not set(code) & set("01OIL")


def test_shapes_that_read_as_something_else_are_never_drawn():
    for code in ("234567", "NV9374", "CV2345", "23ABCD", "ABCDEF", "AB2CD"):
        assert not is_new_code(code), code
    for code in ("A2B3C4", "2AB3CD", "NV93X4", "K7Q2XP"):
        assert is_new_code(code), code
    # the generator keeps drawing until the shape fits: a source that first offers «NV9374» then a good one
    offered = iter("NV9374" + "K7Q2XP")
    assert new_code(lambda _alphabet: next(offered)) == "K7Q2XP"


def test_the_generator_spreads_over_the_alphabet():
    rng = random.Random(7)
    codes = {new_code(rng.choice) for _ in range(2000)}
    assert len(codes) == 2000
    assert set("".join(codes)) == set(CODE_ALPHABET)


@pytest.mark.parametrize("code", ["234567", "NV9374", "nv9374", "K7Q2XP"])
def test_find_code_reads_legacy_codes_after_a_registration_cue(code):
    assert find_code(f"đăng ký {code}", frozenset(), strict=False) == code.upper()


def test_digits_alone_are_not_a_code_without_a_registration_cue():
    assert find_code("báo cáo 234567", frozenset(), strict=True) is None


async def _issue(app, code: str) -> None:
    """An invite whose code is exactly `code` (as an older generator may have drawn it)."""
    info = await app.users.create_invite("van-phong", "head", now=app.clock.now())
    async with app.sessions() as session, session.begin():
        await session.execute(delete(Invite).where(Invite.code == code))
        await session.execute(update(Invite).where(Invite.code == info.code).values(code=code))


async def _registers(app, router: Router, code: str, phrase: str) -> None:
    await _issue(app, code)
    chat = Chat(router, f"invitee-{next(_senders)}")
    replies = await chat.say(phrase.format(code))
    assert replies and "thành công" in replies[0].text, (phrase.format(code), [r.text for r in replies])
    assert (await app.users.identify("test", chat.sender_id)) is not None


@EXAMPLES
@given(code=new_codes, phrase=st.sampled_from([*PHRASES, "{}"]))
async def test_every_generated_code_registers_through_the_router(seeded_app, code, phrase):
    await _registers(seeded_app, Router(seeded_app), code, phrase)


@EXAMPLES
@given(code=st.one_of(legacy_codes, digit_codes, task_shaped), phrase=st.sampled_from(PHRASES))
async def test_every_legacy_code_registers_after_a_registration_cue(seeded_app, code, phrase):
    await _registers(seeded_app, Router(seeded_app), code, phrase)


async def test_codes_created_by_the_service_register(seeded_app):
    router = Router(seeded_app)
    for _ in range(30):
        info = await seeded_app.users.create_invite("van-phong", "head", now=seeded_app.clock.now())
        assert is_new_code(info.code)
        chat = Chat(router, f"invitee-{next(_senders)}")
        assert "thành công" in (await chat.text(f"đăng ký {info.code}"))
