"""Evidence review: coordinators accept or return files, the unit's head is told once, the verification
rule, the daily digest, and who may do what (heads and officers never review, leaders only look)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.messages import Unreachable
from handlers import review as review_handlers
from presentation.records import audit_text
from presentation.review import review_digest, review_notice
from services.review_service import (
    ReviewForbidden,
    Verification,
    send_review_digest,
)
from storage.models import Evidence, ReminderDelivery
from tests.coordinator_kit import CHANNEL, add_evidence, at, context, lead_of, person, set_status
from tests.fakes.reminders import RecordingSender

NOW = at(8, 15, 9)


@pytest.fixture
def app(plan_app):
    plan_app.senders[CHANNEL] = RecordingSender(plan_app.clock, channel=CHANNEL)
    return plan_app


@pytest.fixture
async def people(app):
    return {
        "head": await person(app, "van-phong", "head", "Nguyễn Văn A"),
        "officer": await person(app, "van-phong", "officer", "Phạm Văn D"),
        "coord": await person(app, "van-phong", "coordinator", "Trần Thị B"),
        "leader": await person(app, "lanh-dao-so", "leader", "Giám đốc"),
        "tt_head": await person(app, "thanh-tra", "head", "Lê Thị C"),
    }


@pytest.fixture
async def files(app, people):
    """Task 3 done by Văn phòng with two files (one sent by the officer); Thanh tra's file on task 15."""
    lead3 = await set_status(app, people["head"], 3, "done", at(8, 10))
    first = await add_evidence(app, lead3, people["head"], "bien-ban.pdf", at(8, 10, 10))
    second = await add_evidence(app, lead3, people["officer"], "anh-hop.jpg", at(8, 11, 10), mime="image/jpeg")
    lead15 = await lead_of(app, 15, "thanh-tra")
    third = await add_evidence(app, lead15, people["tt_head"], "ra-soat.pdf", at(8, 12, 10))
    return {"lead3": lead3, "first": first, "second": second, "third": third}


def sent_to(app, chat: str):
    return app.senders[CHANNEL].to(chat)


async def test_coordinator_accepts_and_the_head_and_uploader_are_told_once(app, people, files):
    service = app.review
    page = await service.pending(people["coord"])
    assert [e.id for e in page.items] == [files["first"], files["second"], files["third"]]
    assert page.total == 3 and page.remaining == 0

    outcome = await service.accept(people["coord"], files["second"], now=NOW)
    assert outcome.kind == "accepted" and not outcome.verified  # bien-ban.pdf still waits
    report = await app.review.notify(outcome, review_notice(outcome, app.units))
    assert report.sent == 2  # the head of Văn phòng and the officer who sent the photo
    [to_head] = sent_to(app, "van-phong-head")
    assert "anh-hop.jpg" in to_head.reply.text and "xác nhận" in to_head.reply.text
    assert len(sent_to(app, "van-phong-officer")) == 1
    assert sent_to(app, "van-phong-coordinator") == []  # the reviewer is not told about their own act

    again = await app.review.notify(outcome, review_notice(outcome, app.units))  # the same notification cannot go twice
    assert again.sent == 0 and again.already == 2
    assert len(sent_to(app, "van-phong-head")) == 1

    outcome = await service.accept(people["coord"], files["first"], now=NOW)
    assert outcome.verified
    assert "hoàn thành và được xác nhận" in review_notice(outcome, app.units).text
    async with app.sessions() as session:
        row = await session.get(Evidence, files["first"])
        assert (row.review_state, row.reviewed_by) == ("accepted", people["coord"].id)


async def test_return_needs_a_comment_and_offers_to_send_again(app, people, files):
    service = app.review
    assert (await service.return_(people["coord"], files["third"], "   ", now=NOW)).kind == "empty_comment"
    outcome = await service.return_(people["coord"], files["third"], "Thiếu chữ ký, gửi lại bản có dấu", now=NOW)
    assert outcome.kind == "returned" and outcome.evidence.review_comment == "Thiếu chữ ký, gửi lại bản có dấu"
    await app.review.notify(outcome, review_notice(outcome, app.units))
    [notice] = sent_to(app, "thanh-tra-head")
    assert "trả lại" in notice.reply.text and "Thiếu chữ ký" in notice.reply.text
    lead15 = await lead_of(app, 15, "thanh-tra")
    assert notice.reply.buttons[0][0].data == f"ev:{lead15}"  # the evidence handler's "send a file" button


async def test_a_file_is_reviewed_once(app, people, files):
    service = app.review
    assert (await service.accept(people["coord"], files["first"], now=NOW)).kind == "accepted"
    late = await service.return_(people["coord"], files["first"], "nhầm", now=NOW)
    assert late.kind == "already_reviewed"
    async with app.sessions() as session:
        assert (await session.get(Evidence, files["first"])).review_state == "accepted"
    assert (await service.accept(people["coord"], 999_999, now=NOW)).kind == "not_found"


@pytest.mark.parametrize("who", ["head", "officer", "tt_head"])
async def test_heads_and_officers_cannot_review_or_see_the_queue(app, people, files, who):
    user = people[who]
    service = app.review
    with pytest.raises(ReviewForbidden):
        await service.pending(user)
    assert (await service.accept(user, files["first"], now=NOW)).kind == "forbidden"
    assert (await service.return_(user, files["third"], "không đạt", now=NOW)).kind == "forbidden"
    replies = await review_handlers.review(context(app, user, intent="review"))
    assert "Chỉ Văn phòng Sở" in replies[0].text and not replies[0].buttons
    # a coordinator's keyboard forwarded to them changes nothing
    for data in (f"rv:a:{files['first']}", f"rv:r:{files['first']}"):
        replies = await review_handlers.press(context(app, user, data=data))
        assert "Chỉ Văn phòng Sở" in replies[0].text
    async with app.sessions() as session:
        states = (await session.scalars(select(Evidence.review_state))).all()
    assert set(states) == {"pending"}
    assert app.senders[CHANNEL].sent == []


async def test_leaders_see_the_queue_read_only(app, people, files):
    leader = people["leader"]
    replies = await review_handlers.review(context(app, leader, intent="review"))
    assert "3 minh chứng" in replies[0].text and "chỉ xem" in replies[0].text
    assert all(not r.buttons for r in replies)
    assert len(replies) == 4
    assert (await app.review.accept(leader, files["first"], now=NOW)).kind == "read_only"
    replies = await review_handlers.press(context(app, leader, data=f"rv:a:{files['first']}"))
    assert "chỉ xem" in replies[0].text


async def test_verification_rule():
    assert Verification(accepted=1).verified("done")
    assert Verification(accepted=1, returned=2).verified("done")  # returned files do not block
    assert not Verification(accepted=1, pending=1).verified("done")  # the coordinator is not finished
    assert not Verification(accepted=2).verified("in_progress")  # reopened work is not verified
    assert not Verification().verified("done")


async def test_review_flow_in_chat_accept_return_with_comment_and_cancel(app, people, files):
    coord = people["coord"]
    replies = await review_handlers.review(context(app, coord, intent="review"))
    head, *cards = replies
    assert "3 minh chứng chờ duyệt" in head.text
    assert [b.data for b in cards[0].buttons[0]] == [f"rv:a:{files['first']}", f"rv:r:{files['first']}"]
    assert "NV 3" in cards[0].text and "bien-ban.pdf" in cards[0].text and "Văn phòng Sở" in cards[0].text

    [done] = await review_handlers.press(context(app, coord, data=f"rv:a:{files['first']}"))
    assert "Đã xác nhận minh chứng «bien-ban.pdf»" in done.text and done.edit
    assert "Đã báo cho đơn vị (1 người)" in done.text

    [ask] = await review_handlers.press(context(app, coord, data=f"rv:r:{files['second']}"))
    assert "lý do trả lại" in ask.text and ask.buttons[0][0].data == f"rv:x:{files['second']}"
    state = await app.inbox.get_state(CHANNEL, "van-phong-coordinator", NOW)
    assert state["awaiting"] == {"kind": "review_comment", "evidence": files["second"]}
    # what the router does with the next text: the awaited comment
    [returned] = await review_handlers.comment_given(
        context(app, coord, text="Ảnh mờ, chụp lại biên bản", state=state["awaiting"])
    )
    assert "Đã trả lại" in returned.text and "Ảnh mờ" in returned.text
    assert "Đã báo cho đơn vị (2 người)" in returned.text  # head + the officer who sent it

    await review_handlers.press(context(app, coord, data=f"rv:r:{files['third']}"))
    [cancelled] = await review_handlers.press(context(app, coord, data=f"rv:x:{files['third']}"))
    assert "hủy" in cancelled.text
    assert "awaiting" not in (await app.inbox.get_state(CHANNEL, "van-phong-coordinator", NOW) or {})
    assert (await app.review.get(files["third"])).review_state == "pending"

    [again] = await review_handlers.press(context(app, coord, data=f"rv:a:{files['first']}"))
    assert "đã được duyệt trước đó bởi Trần Thị B" in again.text


async def test_queue_pages_and_filters_by_task(app, people, files):
    lead = files["lead3"]
    for i in range(6):
        await add_evidence(app, lead, people["head"], f"them-{i}.pdf", at(8, 13, 10 + i))
    coord = people["coord"]
    first = await review_handlers.review(context(app, coord, intent="review"))
    assert "9 minh chứng" in first[0].text and len(first) == 1 + 5 + 1
    more = first[-1]
    assert "Còn 4" in more.text
    second = await review_handlers.press(context(app, coord, data=more.buttons[0][0].data))
    assert len(second) == 4 and all(r.buttons for r in second)
    only15 = await review_handlers.review(context(app, coord, intent="review", task=15))
    assert "1 minh chứng của nhiệm vụ 15" in only15[0].text and "ra-soat.pdf" in only15[1].text


async def test_unreachable_head_is_reported_to_the_coordinator(app, people, files):
    app.senders[CHANNEL].fail["thanh-tra-head"] = Unreachable("blocked")
    [done] = await review_handlers.press(context(app, people["coord"], data=f"rv:a:{files['third']}"))
    assert "Chưa gửi được thông báo" in done.text
    [without] = await review_handlers.press(context(app, people["coord"], data=f"rv:a:{files['first']}"))
    assert "Đã báo cho đơn vị" in without.text


async def test_daily_digest_goes_to_coordinators_once_per_working_day(app, people, files):
    report = await send_review_digest(app, at(8, 15, 8, 30), render=review_digest)
    assert report.sent == 1
    [digest] = sent_to(app, "van-phong-coordinator")
    assert "Minh chứng chờ duyệt: 3" in digest.reply.text and digest.reply.buttons[0][0].data == "rv:l"
    assert (await send_review_digest(app, at(8, 15, 14), render=review_digest)).sent == 0  # later ticks the same day
    assert await send_review_digest(app, at(8, 13, 9), render=review_digest) is None  # Saturday
    assert await send_review_digest(app, at(8, 16, 7), render=review_digest) is None  # before office hours
    assert len(sent_to(app, "van-phong-coordinator")) == 1
    async with app.sessions() as session:
        kinds = (await session.scalars(select(ReminderDelivery.kind))).all()
    assert kinds == ["review_digest"]
    queue = await review_handlers.press(context(app, people["coord"], data="rv:l"))
    assert "3 minh chứng chờ duyệt" in queue[0].text


async def test_task_audit_merges_status_changes_evidence_and_reviews(app, people, files):
    service = app.review
    await service.accept(people["coord"], files["first"], now=at(8, 12, 8))
    await service.return_(people["coord"], files["second"], "Ảnh mờ", now=at(8, 12, 9))
    await set_status(app, people["head"], 3, "in_progress", at(8, 14), percent=90, note="bổ sung biên bản")
    lines = await app.review.audit(3)
    assert [(line.event, line.who) for line in lines] == [
        ("status", "Nguyễn Văn A"),
        ("evidence", "Nguyễn Văn A"),
        ("evidence", "Phạm Văn D"),
        ("accepted", "Trần Thị B"),
        ("returned", "Trần Thị B"),
        ("status", "Nguyễn Văn A"),
    ]
    assert audit_text(lines[-2]) == "trả lại minh chứng «anh-hop.jpg»: Ảnh mờ"
    assert audit_text(lines[-1]) == "Đang thực hiện 90% — bổ sung biên bản"
    assert await app.review.audit(3, unit_ids=["thanh-tra"]) == []
    assert await app.review.audit(999) is None


async def test_the_scheduler_tick_sends_the_review_digest(app, people, files):
    from scheduler.runner import run_tick

    app.clock.set(at(8, 15, 8, 30))
    await run_tick(app)
    assert any("Minh chứng chờ duyệt: 3" in m.reply.text for m in sent_to(app, "van-phong-coordinator"))
