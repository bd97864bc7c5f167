"""Deciding what a message asks for, from the slots found in it and a few cue phrases.

Rules, not a model: the bot must be predictable for the people whose work it records, runs with no
network, and the vocabulary of a CCHC plan is small. The decision is an ordered cascade — the order is
the design:

1. slash commands, then one-word replies (a number, "có", "không", "huỷ") and pure greetings;
2. things that carry their own unmistakable marker: an invite code, reminder settings, "hướng dẫn sử
   dụng", a broadcast, an export, the history of a task, evidence, a trigger date;
3. a *statement* about a task (a task reference and a status word, not a question) → update_status;
4. a report-schedule, target or progress question;
5. a task number → task_info;
6. a listing question (cue phrases, a status filter, a period, a unit) → list_tasks, unless a task
   description matches so well that the user is clearly asking about that one task;
7. a task named by description → task_info; then weaker greeting/help cues; else unknown.

Slots that do not belong to the chosen intent are cleared, so that "báo cáo năm nộp khi nào" does not
also carry a period and the CLI output equals the contract's expectations.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from conversation.intents import INTENTS
from conversation.nlu import commands
from conversation.nlu.accounts import parse_account
from conversation.nlu.figures import CUE as FIGURE_CUE
from conversation.nlu.figures import find_figure
from conversation.nlu.howto import help_question
from conversation.nlu.lexicon import COMMON_WORDS, REPLY_WORDS, build_lexicon, periodic_report_tasks
from conversation.nlu.normalize import Normalized, Normalizer, fold_canonical
from conversation.nlu.periods import (
    RULES,
    Workdays,
    find_dates,
    find_period,
    find_report_period,
    impossible_dates,
    named_year,
    period_spans,
)
from conversation.nlu.replies import short_reply
from conversation.nlu.result import NluResult, Period
from conversation.nlu.slots import (
    LIST_STATUS,
    UPDATE_STATUS,
    SectionFinder,
    Span,
    UnitFinder,
    blocked_reason,
    find_code,
    find_percent,
    find_reminder,
    find_status,
    find_task_number,
    mask,
    percent_out_of_range,
    percent_spans,
)
from conversation.nlu.spans import Glossary, SpanGrammar, load_glossary, spans_of
from conversation.nlu.tasks import TaskIndex
from domain.invite_codes import is_code_shaped
from domain.units import UnitDirectory

log = logging.getLogger(__name__)

# intents whose table entry says how they are asked (conversation/intents.py `IntentSpec.phrases`)
PHRASED: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (spec.name, re.compile(spec.phrases)) for spec in INTENTS if spec.phrases
)
CONFIDENT = 0.75

# Which slots each intent keeps (the contract's "slots that matter", plus what internal intents need).
KEEP: dict[str, frozenset[str]] = {
    "list_tasks": frozenset({"unit", "period", "status", "scope"}),
    "task_info": frozenset({"task"}),
    "update_status": frozenset({"task", "status", "percent", "note", "target_unit"}),
    "report_schedule": frozenset({"report", "report_kind"}),
    "targets": frozenset({"section"}),
    "progress": frozenset({"unit"}),
    "register": frozenset({"code"}),
    "record_trigger": frozenset({"task", "trigger_date", "note"}),
    "set_deadline": frozenset({"task", "due_date"}),
    "reminder_settings": frozenset({"reminder"}),
    "evidence": frozenset({"task"}),
    "export": frozenset({"report", "unit"}),
    "history": frozenset({"task"}),
    "broadcast": frozenset({"note"}),
    "choice": frozenset({"choice"}),
    "target_figure": frozenset({"report", "note", "figure"}),
    "report_draft": frozenset({"report"}),
    "help": frozenset({"note"}),  # the intent whose help section was asked about (conversation/nlu/howto.py)
}
SLOTS = ("task", "unit", "period", "status", "percent", "report", "section", "code", "note", "trigger_date",
         "due_date", "choice", "reminder", "scope", "report_kind", "target_unit", "figure")


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# -- cue phrases (on the canonical folded text) ------------------------------------------------------
FILLERS = r"(?:\s+(?:a|nhe|nha|nhen|ha|ban|bot|oi|roi|vay|luon|di|nhe ban|tro ly|anh|chi|em|ad|admin|nhi|nay))*"
CHOICE = _re(r"^(?:so|chon|phuong an|cai|lua chon|option|muc|dong|y)?\s*(?P<n>\d{1,2})(?:\s+(?:a|nhe|nha))?$")
CONFIRM = _re(
    r"^(?:co|ok|dong y|dung|dung roi|dung vay|dung the|chinh xac|u|vang|da|da vang|da dung|yes|y|yep|chuan|"
    r"chuan roi|xac nhan|duoc|phai|phai roi|ok roi|ghi nhan|ghi di|cap nhat di|dung a|co a|dong y a|oc|okay)"
    + FILLERS + "$"
)
DENY = _re(r"^(?:khong|khong phai|sai|sai roi|khong dung|chua dung|no|nham|nham roi|khong co|khong chinh xac)" + FILLERS + "$")
CANCEL = _re(
    r"^(?:huy|huy bo|huy lenh|thoi|bo qua|cancel|stop|dung lai|thoi khong can|khong can nua|khong can|bo|"
    r"huy di|thoi bo di|thoi khoi|bo di)" + FILLERS + "$"
)
GREETING = _re(
    r"^(?:xin chao|chao|hello|helo|hi|hey|alo|a lo|chao buoi sang|chao buoi chieu|good morning|chao ca nha)"
    r"(?:\s+(?:ban|bot|anh|chi|em|a|oi|nhe|nha|moi nguoi|tro ly|buoi sang|buoi chieu|buoi toi|sang|chieu|"
    r"toi|cchc|so|ad|admin|ca nha|nhe|nhe|nhieu|xin chao|chao|hello|hi))*$"
)
# Courtesy is answered as a person would (handlers/help.py): thanks are not greeted back, a goodbye is not
# asked «cần gì ạ?».
_POLITE_TAIL = (r"(?:\s+(?:ban|bot|anh|chi|em|a|oi|nhe|nha|moi nguoi|tro ly|nhieu|lam|rat nhieu|ca nha|ad|admin|"
                r"nhe|nhe ban|vay nhe|roi|nhe a|a nhe|so|cchc|you|so much|a lot))*$")
THANKS = _re(r"^(?:(?:xin |cam |rat |cam on va |ok |oke |okay |vang |da |duoc roi |tot qua |hay qua )?"
             r"(?:cam on|thank|thanks|thank you|thanks you|tks|thks|thx|ty|many thanks))" + _POLITE_TAIL)
GOODBYE = _re(r"^(?:tam biet|bye|bye bye|goodbye|good bye|hen gap lai|chao tam biet|chao nhe|chao nha|"
              r"see you|cya|toi di day|em di day|minh di day|thoi chao)" + _POLITE_TAIL)
THANKS_EMOJI = "👍🙏❤️💯👌😊🥰🤝"
GREETING_WORD = _re(r"^(?:xin chao|chao|hello|hi|alo)\b")
REGISTER_CUE = _re(
    r"\b(?:dang ky|ma moi|ma dang ky|ma kich hoat|kich hoat|ma cua (?:toi|em|minh)|ma (?:toi|em|minh)? ?la|"
    r"ma so|invite|register|code)\b"
)
# Registering without a code yet ("tôi muốn đăng ký", "làm sao để có mã mời"): the handler explains how.
REGISTER_ONLY = _re(
    r"^(?:(?:toi|em|minh)\s+)?(?:(?:muon|can|xin|lam sao de|lam sao|cach)\s+)?(?:(?:dang ky|kich hoat|lay|co|xin)\s+)?"
    r"(?:dang ky|kich hoat|ma moi|ma dang ky)(?:\s+(?:tai khoan|su dung|bot|tro ly|o dau|nhu the nao|the nao|sao|"
    r"lam sao|voi|nhe|a|di|nao|gi|the nao a))*$"
)
HELP_STRONG = _re(
    r"\b(?:huong dan su dung|huong dan dung|huong dan cach dung|cach dung|cach su dung|su dung nhu the nao|"
    r"dung nhu the nao|dung the nao|lam duoc gi|lam duoc nhung gi|biet lam gi|co the lam gi|giup duoc gi|"
    r"ho tro duoc gi|ho tro gi|giup gi|giup duoc gi|tro giup|help|menu|cac lenh|danh sach lenh|hoi gi|"
    r"(?:chuc nang|tinh nang)\s+(?:cua\s+)?(?:bot|tro ly|ban|he thong)|^(?:cac\s+)?(?:chuc nang|tinh nang)$|"
    r"hoi duoc gi|hoi nhung gi|lam gi duoc|bot la ai|ban la ai|"
    r"(?:dung|su dung|xai)\s+(?:bot|tro ly|ung dung|chatbot)(?:\s+nay)?\s+(?:nhu\s+)?(?:the nao|ra sao|sao)|"
    r"(?:co\s+)?(?:nhung|cac)\s+lenh\s+(?:gi|nao)|co\s+lenh\s+(?:gi|nao))\b"
)
WHOAMI = _re(r"^(?:toi|em|minh)\s+la\s+ai\b|\bvai tro cua (?:toi|em|minh)\b|\btai khoan cua (?:toi|em|minh)\b")
# "việc thường xuyên": the year-round work a list folds away
ROUTINE = _re(r"\b(?:viec|nhiem vu|cong viec)\s+(?:thuong xuyen|ca nam|quanh nam)\b|\bthuong xuyen\s+(?:gom|co|la)\b")
WHO_LEADS = _re(
    r"\b(?:ai|don vi nao|phong nao|bo phan nao|noi nao)\s+(?:chu tri|phu trach|lam|thuc hien)\b|\bdo\s+(?:ai|don vi nao|phong nao)\b"
)
REPORT_CCHC = _re(r"\bcchc\b|\bcai cach hanh chinh\b")
REPORT_TTHC = _re(r"\btthc\b|\bthu tuc hanh chinh\b|\bkiem soat\b")
REPORT_WORDS = _re(r"\bbao cao\b|\bnop\b|\bhan\b|\bkhi nao\b|\bbao gio\b|\bngay nao\b|\bdinh ky\b|\blich\b")
HELP_ONLY = _re(r"^(?:huong dan|giup|giup toi|giup em|giup voi|giup do|ho tro|can giup|can ho tro|hd|\?+)" + FILLERS + "$")
BROADCAST = _re(
    r"^(?:gui\s+)?thong bao\s+(?:cho|toi|den|gui)\s+(?:tat ca|toan bo|cac don vi|cac phong|moi nguoi|ca so|"
    r"toan so|toan the|tat ca don vi|cac phong ban)"
)
EXPORT = _re(
    r"\bxuat\s+(?:ra\s+)?(?:bao cao|file|excel|bang|du lieu|phu luc|tep)\b|\bfile excel\b|\b(?:tai|gui)\s+"
    r"(?:file|tep|bang)\s+(?:excel|bao cao|tong hop)\b|\bxuat excel\b|\bexport\b"
)
REPORT_DRAFT = _re(r"\b(?:soan|du thao|thao|viet)\s+(?:(?:du thao|ban)\s+)?bao cao\b(?!\s+tien do)")
HISTORY = _re(r"\blich su\b|\bai\s+(?:da\s+)?cap nhat\b|\bnhat ky\b|\bcap nhat\s+(?:luc|khi)\s+nao\b")
EVIDENCE = _re(r"\bminh chung\b|\btai lieu kiem chung\b")
EVIDENCE_BLOCK = _re(r"\b(?:xong|hoan thanh|dang lam|vuong|chua lam)\b|\d\s*%")
# «nv 3 hạn 30/06», «đặt hạn nhiệm vụ 3 là 30/6»: a coordinator dates a milestone that needs a date.
SET_DEADLINE = _re(
    r"\b(?:thoi )?han(?: la| moi| hoan thanh| vao)?(?: ngay)? \d{1,2}/\d{1,2}\b|\b(?:dat|dieu chinh|sua) (?:thoi )?han\b"
)
TRIGGER_CUE = _re(
    r"\b(?:nhan duoc|da nhan|nhan|tiep nhan|ngay nhan|kich hoat|moc tinh|tinh tu|bat dau tinh)\b"
    r"|\bubnd\b.*\b(?:ban hanh|phe duyet|cong bo|giao|ky)\b|\b(?:quyet dinh|van ban|cong van|ke hoach)\s+"
    r"(?:cua\s+)?(?:ubnd|so noi vu|bo|cap tren|tinh)\b.*\b(?:ban hanh|ngay|ky)\b"
)
RECEIVED_DOCUMENT = _re(r"\bnhan\s+(?:duoc\s+)?(?:van ban|quyet dinh|cong van)")
UPDATE_VERB = _re(r"\b(?:cap nhat|bao cao tien do|bao tien do|ghi nhan)\b")
QUESTION = _re(
    r"\b(?:khi nao|bao gio|the nao|ra sao|nhu the nao|bao nhieu|la gi|o dau|hay chua|duoc chua|chua nhi|"
    r"phai khong|dung khong|co phai|lam sao|tai sao|vi sao|ai)\b|\b(?:chua|khong|chang|nhi|sao)\s*$"
    r"|(?<!chua lam )\bgi\b"
)
REPORT = _re(r"\bbao cao\b|\breport\b|\breports\b")  # short English questions about report dates too
REPORT_WHEN = _re(
    r"\b(?:han|khi nao|bao gio|ngay nao|ngay may|hom nao|nop|lich|thoi han|deadline|truoc ngay|dinh ky|"
    r"cham nhat|moc|thoi gian|gui|ky bao cao|luc nao|thang may|the nao|due|deadline|when|submit|date)\b"
)
NOT_REPORT = _re(r"\bbao cao tien do\b|\bbao cao\s+(?:xong|hoan thanh)\b")
TARGETS = _re(
    r"\bchi tieu\b(?!\s+noi bo)|\bmuc tieu\b|\bkpi\b"
    r"|\b(?:ty le|phan tram|%)\b.*\b(?:phai dat|can dat|dat bao nhieu|toi thieu|yeu cau|bao nhieu|la bao nhieu)\b"
    r"|\b(?:phai dat|can dat|phan dau dat|dat toi thieu|yeu cau dat)\b.*\b(?:bao nhieu|may)\b"
)
SECTION_NUMBER = _re(r"\b(?:muc|phan|linh vuc|section|nhom)\s+(?P<n>[1-7]|vii|vi|v|iv|iii|ii|i)\b")
ROMAN7 = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7}
PROGRESS = _re(
    r"\btien do\b|\bden dau\b|\btoi dau\b|\bdat bao nhieu\b|\bduoc bao nhieu\b|\bty le hoan thanh\b"
    r"|\btinh hinh\b|\btong quan\b|\bthong ke\b|\bket qua thuc hien\b|\bhoan thanh bao nhieu\b"
    r"|\bbao nhieu phan tram\b|\bthe nao roi\b|\bra sao roi\b|\bso lieu\b|\bhoan thanh duoc\b|\bbao nhieu %"
    r"|\b(?:xong|hoan thanh)\s+(?:duoc\s+)?bao nhieu\b|\bbao nhieu\s+(?:viec|nhiem vu)\s+(?:da\s+)?(?:xong|hoan thanh)\b"
)
LATE_PROGRESS = _re(r"\b(?:cham|tre|bi cham|bi tre)\s+tien do\b")
LIST_CUE = _re(
    r"\b(?:viec gi|viec nao|nhiem vu nao|nhiem vu gi|cong viec gi|cong viec nao|nhung viec|cac viec|"
    r"nhung nhiem vu|cac nhiem vu|nhung cong viec|cac cong viec|co gi|lam gi|phai lam|can lam|den han|toi han|"
    r"het han|co han|han gi|han nao|liet ke|danh sach|phai nop|can nop|nop gi|bao nhieu viec|bao nhieu nhiem vu|"
    r"con gi|viec can|viec phai|tat ca viec|tat ca nhiem vu|viec cua|nhiem vu cua|cong viec cua|viec trong|"
    r"nhiem vu trong|viec sap|can hoan thanh|phai hoan thanh|co viec|co nhiem vu|list|task|cac han|nhung han|"
    r"gi can|gi phai|gi de|viec dang|viec chua|viec da|nhiem vu chua|nhiem vu dang|nhiem vu da|phan cong|"
    r"duoc giao|viec duoc|viec ben|nhiem vu ben|tat ca|toan bo|nhung gi|gi het|gi khong)\b"
)
INFO_CUE = _re(
    r"\b(?:ai chu tri|chu tri|ai lam|do ai|ai phu trach|phu trach|la gi|the nao|thi sao|ra sao|khi nao|bao gio|"
    r"han|chi tiet|thong tin|noi dung|san pham|nhiem vu|viec|o dau|gom|gom nhung gi|phoi hop|ket qua|can gi|"
    r"yeu cau|nhu nao)\b"
)
TRAILING_PARTICLES = frozenset({"a", "nhe", "nha", "roi", "ha", "vay", "day"})
PARTICLES = TRAILING_PARTICLES | {"nhen", "oi", "nhi", "ad", "luon", "di", "yep", "oc", "u", "y"}

class Understander:
    """Parses one chat message into an `NluResult`. Build it once per plan (it precomputes the folded
    aliases, vocabularies and indices); `parse` is then pure and takes well under a millisecond."""

    def __init__(
        self,
        units: UnitDirectory,
        tasks: TaskIndex | None,
        sections: dict[int, str] | None = None,
        workdays: Workdays | None = None,
        glossary: Glossary | None = None,
    ) -> None:
        """`workdays`: the working calendar, for periods anchored on holidays («trước Tết»); without it
        those phrases name no period. `glossary`: unit chat aliases and system names (the bundled file
        by default)."""
        self.units = units
        self.tasks = tasks
        self.workdays = workdays
        glossary = glossary or load_glossary()
        self.grammar = SpanGrammar(glossary)
        self.unit_finder = UnitFinder(units, glossary.unit_aliases)
        self.section_finder = SectionFinder(sections if sections is not None else (tasks.section_titles if tasks else None))
        vocabulary, keywords, bigrams, phrases = build_lexicon(_cue_patterns(), units, tasks, glossary, PARTICLES)
        self.vocabulary = vocabulary
        self._task_text = {n: fold_canonical(t) for n, t in tasks.titles.items()} if tasks is not None else {}
        # the tasks that are the periodic reports themselves: a report question names the calendar, not them
        self.periodic_reports = periodic_report_tasks(self._task_text)
        self.normalizer = Normalizer(vocabulary, keywords, bigrams, phrases)

    # -- entry point -------------------------------------------------------------------------------
    def parse(self, text: str, today: dt.date) -> NluResult:
        """Never raises: a message the rules cannot handle is `unknown` (and the error is logged)."""
        try:
            return self._parse(text if isinstance(text, str) else str(text or ""), today)
        except Exception:
            log.exception("NLU failed on %.200r", text)
            return NluResult("unknown", confidence=0.0)

    def _parse(self, text: str, today: dt.date) -> NluResult:
        stripped = text.strip()
        # linking messengers / where reminders go (bot/nlu/accounts.py); only short messages can be those
        account = parse_account(stripped) if len(stripped) <= 200 else None
        if account is not None:
            return account
        if stripped.startswith("/"):
            parsed = commands.parse_command(self, stripped, today)
            if parsed is not None:
                return parsed
        n = self.normalizer.normalize(text)
        s = n.text
        if not s:
            if n.emoji_only and any(ch in n.original for ch in THANKS_EMOJI):
                return NluResult("thanks", confidence=0.8)
            if n.emoji_only and any(ch in n.original for ch in "👋🙋"):
                return NluResult("greeting", confidence=0.8)
            return NluResult("unknown", confidence=1.0 if not n.original else 0.5)
        short = self._short_reply(s)
        if short is not None:
            return short
        return _finish(self._classify(n, today))

    # -- pieces reused by the slash-command parser --------------------------------------------------
    def normalize(self, text: str) -> Normalized:
        return self.normalizer.normalize(text)

    def find_unit(self, s: str) -> str | None:
        """A member unit named in folded text `s` (a whole phrase is first resolved by the directory)."""
        unit_id = self.units.resolve(s) if s else None
        unit = self.units.get(unit_id) if unit_id else None
        if unit is not None and not unit.is_external:
            return unit.id
        found = self.unit_finder.find(s)
        return found[0] if found else None

    def find_section(self, s: str) -> int | None:
        m = SECTION_NUMBER.search(s)
        if m:
            word = m.group("n")
            return int(word) if word.isdigit() else ROMAN7[word]
        return self.section_finder.find(re.sub(r"\bchi tieu\b(?!\s+noi bo)", " ", s))

    def best_task(self, content: str) -> tuple[int, float] | None:
        return self.tasks.best(content) if self.tasks is not None else None

    def _specific(self, content: str) -> bool:
        """Whether `content` has a word that can name a task (not an everyday word of any sentence)."""
        return any(
            t not in COMMON_WORDS and t not in _LEFTOVER_OK and t not in PARTICLES and not t.isdigit() and len(t) > 1
            for t in content.split()
        )

    # -- the cascade -------------------------------------------------------------------------------
    def _short_reply(self, s: str) -> NluResult | None:
        m = CHOICE.match(s)
        if m:
            return NluResult("choice", choice=int(m.group("n")))
        kind = short_reply(s) or short_reply(self._reply_words(s))
        if kind is not None:
            return NluResult(kind)
        if CONFIRM.match(s):
            return NluResult("confirm")
        if CANCEL.match(s):
            return NluResult("cancel")
        if DENY.match(s):
            return NluResult("deny")
        if THANKS.match(s):
            return NluResult("thanks")
        if GOODBYE.match(s):
            return NluResult("goodbye")
        if GREETING.match(s):
            return NluResult("greeting")
        return None

    def _reply_words(self, s: str) -> str:
        """A reply of three words or fewer with each unknown word replaced by the one reply word near it
        («chuẩ» → «chuan», «khôg» → «khong»); other text unchanged."""
        tokens = s.split()
        if len(tokens) > 3:
            return s
        fixed = []
        for token in tokens:
            near = [w for w in self.normalizer.near(token) if w in REPLY_WORDS] if token not in self.vocabulary else []
            fixed.append(near[0] if len(set(near)) == 1 else token)
        return " ".join(fixed)

    def _classify(self, n: Normalized, today: dt.date) -> NluResult:
        """The cascade's reading, with the plan year the period phrase names (the `year` slot)."""
        found_period = find_period(n.text, today, n.original, self.workdays)
        result = self._cascade(n, today, found_period)
        result.year = named_year(found_period, n.text)
        return result

    def _cascade(self, n: Normalized, today: dt.date, found_period: tuple[Period, Span] | None) -> NluResult:
        s = n.text
        tokens = s.split()
        # span ownership (conversation/nlu/spans.py): percents, periods, levels and system names first
        claims = self.grammar.resolve(s, percent_spans(s), period_spans(s))
        spans = spans_of(claims, "period", "percent", "level", "bare_level")
        taskref = find_task_number(mask(s, spans_of(claims)))
        # "được 60" counts as a percentage only next to a task number, and never inside a date or period
        percent = find_percent(mask(s, spans_of(claims, "period", "level", "bare_level")), bare=taskref is not None)
        unit_found = self.unit_finder.find(mask(s, spans_of(claims, "system", "level", "bare_level")),
                                           fuzzy=n.unknown_words > 0)
        upd = find_status(s, UPDATE_STATUS)
        lst = find_status(s, LIST_STATUS)
        question = n.has_question_mark or bool(QUESTION.search(s))
        task = taskref.number if taskref else None
        period = found_period[0] if found_period else None
        unit = unit_found[0] if unit_found else None

        # 2. unmistakable markers
        has_register_cue = bool(REGISTER_CUE.search(s))
        code = find_code(n.original[:200], self.vocabulary, strict=not has_register_cue)
        # a registration phrase with a token shaped like an invite code registers even when the code
        # also reads as a task reference (older codes such as «NV9374»)
        if (has_register_cue and code and is_code_shaped(code)) or (taskref is None and (
            (has_register_cue and code)
            or REGISTER_ONLY.match(s)
            or (code and len(tokens) <= 2 and _looks_like_code(code))
        )):
            return NluResult("register", code=code)
        reminder = find_reminder(s)
        if reminder:
            return NluResult("reminder_settings", reminder=reminder)
        if taskref is None and WHOAMI.search(s):
            return NluResult("whoami")
        if taskref is None:
            for name, pattern in PHRASED:
                if pattern.search(s):
                    return NluResult(name)
        asks_help, help_topic = help_question(s) if taskref is None else (False, None)
        if asks_help:
            return NluResult("help", note=help_topic)
        if taskref is None and (HELP_STRONG.search(s) or HELP_ONLY.match(s)):
            return NluResult("help")
        if BROADCAST.match(s):
            return NluResult("broadcast", note=_after_colon(n.original) or None)
        if EXPORT.search(s):
            return NluResult("export", report=find_report_period(s, today), unit=unit)
        if REPORT_DRAFT.search(s):
            return NluResult("report_draft", report=find_report_period(s, today))
        if taskref is None and not question and FIGURE_CUE.search(s):
            figure = find_figure(n.original, s)
            if figure is not None:
                topic = figure.pop("topic")
                return NluResult(
                    "target_figure", report=find_report_period(s, today), note=topic, figure=figure,
                    confidence=round(max(0.3, 1.0 - 0.15 * n.corrections), 2),
                )
        if HISTORY.search(s) and taskref is not None:
            return NluResult("history", task=task)
        if EVIDENCE.search(s) and not EVIDENCE_BLOCK.search(s):
            return NluResult("evidence", task=task)
        dates = find_dates(s, today)
        bad_dates = impossible_dates(s, today)
        if bad_dates and not dates and taskref is not None and TRIGGER_CUE.search(s):
            # «nv 18: nhận văn bản ngày 31/2»: the handler says which date does not exist
            return NluResult("record_trigger", task=task, note=bad_dates[0])
        if dates and taskref is not None and not question and SET_DEADLINE.search(s):
            return NluResult("set_deadline", task=task, due_date=dates[-1][0])
        if (
            dates
            and TRIGGER_CUE.search(s)
            and not (upd and upd[0] != "done" and "nhan" not in s)
            and (taskref is not None or RECEIVED_DOCUMENT.search(s))
        ):
            return NluResult("record_trigger", task=task, trigger_date=dates[-1][0])

        # 3. a statement about one task
        is_listing = bool(LIST_CUE.search(s))
        # «nv 17 đạt 120%» is an update the handler refuses with the reason, not a question about task 17
        if taskref is not None and not question and (upd or percent or UPDATE_VERB.search(s) or percent_out_of_range(s)):
            result = self._update(n, task, upd, percent, confidence=0.95 if taskref.marked else 0.8)
            result.target_unit = unit  # «cập nhật giúp phòng X: nv 17 đạt 70%»
            return result
        if (
            taskref is None and (upd or percent) and not question and not is_listing
            and not PROGRESS.search(s) and not TARGETS.search(s)
        ):
            content = _content(mask(s, [upd[1]] if upd else []), spans)
            # words found in any title («bên», «trong», «của») never pick a task on their own
            match = self.best_task(content) if self._specific(content) else None
            if match and match[1] >= 0.55:
                # Written by description: always ask before writing (confidence below CONFIDENT).
                return self._update(n, match[0], upd, percent, confidence=min(0.7, 0.4 + 0.3 * match[1]), by_desc=True)
            if len([t for t in tokens if t not in TRAILING_PARTICLES]) <= 5 and not period:
                return self._update(n, None, upd, percent, confidence=0.6)

        # 4. reports, targets, progress
        # "VP còn việc gì chưa xong, em cần báo cáo lãnh đạo": "báo cáo" as a verb inside a listing question
        strong_listing = is_listing and (lst is not None or unit is not None)
        if (
            taskref is None
            and REPORT.search(s)
            and not NOT_REPORT.search(s)
            and not TARGETS.search(s)
            and not strong_listing
        ):
            report = find_report_period(s, today)
            kinds = [k for k, cue in (("kiem-soat-tthc", REPORT_TTHC), ("cchc", REPORT_CCHC)) if cue.search(s)]
            # both reports named («báo cáo CCHC và báo cáo kiểm soát TTHC»): no kind, the answer shows both
            kind = kinds[0] if len(kinds) == 1 else None
            if kind is None and report is None:
                # a report that is not in the periodic calendar («báo cáo đánh giá công chức»): its task
                named = _content(REPORT_WORDS.sub(" ", s), spans)
                match = self.best_task(named) if self._specific(named) else None
                if match and match[1] >= 0.6 and match[0] not in self.periodic_reports:
                    return NluResult("task_info", task=match[0], confidence=match[1], task_source="description")
            # a named report period, or a "when/deadline" cue (or a bare "báo cáo") and no period shorter than
            # the year: "tháng 9 có báo cáo gì phải nộp" asks for a listing of that month
            short_period = period is not None and (period.end - period.start).days < 300
            if report or kinds or (not short_period and (REPORT_WHEN.search(s) or len(tokens) <= 4)):
                return NluResult("report_schedule", report=report, report_kind=kind)
        if taskref is None and TARGETS.search(s) and not (unit and PROGRESS.search(s)):
            return NluResult("targets", section=self.find_section(s))
        progress_cue = PROGRESS.search(s) if taskref is None else None
        if progress_cue and not LATE_PROGRESS.search(s):
            # «theo dõi tình hình thi hành pháp luật» is a task's title, not a progress question: the cue is
            # one of the title's own words (derived from the plan, whatever its numbering)
            match = self.best_task(_content(s, spans))
            if not (match and match[1] >= 0.8 and progress_cue.group(0) in self._task_text.get(match[0], "")):
                return NluResult("progress", unit=unit)
            return NluResult("task_info", task=match[0], confidence=match[1], task_source="description")

        # 5. a task by number
        if taskref is not None:
            return NluResult("task_info", task=task, confidence=0.95 if taskref.marked else 0.7)

        # 6. listing, unless one task is clearly meant
        if ROUTINE.search(s):
            return NluResult("list_tasks", unit=unit, scope="year_round", confidence=0.9)
        list_status = lst[0] if lst else None
        if list_status == "overdue" and period is not None and period.start >= today:
            list_status = None  # «việc nào hết hạn ngày mai»: due then, not late already
        content = _content(s, spans + ([unit_found[1]] if unit_found else []) + ([lst[1]] if lst else []))
        match = self.best_task(content)
        if is_listing or list_status:
            # «đơn vị nào chủ trì các việc về ISO»: who leads one task, not a list
            if WHO_LEADS.search(s) and period is None and list_status is None:
                named = WHO_LEADS.sub(" ", LIST_CUE.sub(" ", content))
                who = self.best_task(named) if self._specific(named) else None
                if who and who[1] >= 0.6:
                    return NluResult("task_info", task=who[0], confidence=who[1], task_source="description")
            # "việc xin lỗi tổ chức cá nhân khi trễ hẹn": the status word belongs to one task's own title
            if match and match[1] >= 0.8 and unit is None and period is None and not (list_status and is_listing):
                return NluResult("task_info", task=match[0], confidence=match[1] * 0.9, task_source="description")
            return NluResult("list_tasks", unit=unit, period=period, status=list_status, confidence=0.9)

        # 7. a task by description, weaker cues
        threshold = 0.5 if INFO_CUE.search(s) else 0.75
        if match and match[1] >= threshold:
            return NluResult("task_info", task=match[0], confidence=match[1], task_source="description")
        if (period is not None or unit is not None) and not _leftover(content):
            # only a period and/or a unit ("quý này?", "VP tháng sau") — a listing; "giá xăng hôm nay" is not
            return NluResult("list_tasks", unit=unit, period=period, confidence=0.6)
        if GREETING_WORD.search(s):
            return NluResult("greeting", confidence=0.7)
        if re.search(r"\b(?:huong dan|giup|ho tro)\b", s):
            return NluResult("help", confidence=0.6)
        return NluResult("unknown", confidence=0.3)

    def _update(
        self,
        n: Normalized,
        task: int | None,
        upd: tuple[str, Span] | None,
        percent: tuple[int, Span] | None,
        *,
        confidence: float,
        by_desc: bool = False,
    ) -> NluResult:
        """An update_status result; a percentage decides the status (100 → done, 0 → not started) unless
        the user said the task is blocked."""
        status = upd[0] if upd else None
        value = percent[0] if percent else None
        if value is not None and status != "blocked":
            status = "done" if value == 100 else "not_started" if value == 0 and status != "in_progress" else "in_progress"
        note = blocked_reason(n) if status == "blocked" else None
        # every typo the normaliser had to fix makes the reading less certain; two of them → ask first
        confidence = round(max(0.3, confidence - 0.15 * n.corrections), 2)
        return NluResult(
            "update_status", task=task, status=status, percent=value, note=note, confidence=confidence,
            task_source=("description" if by_desc else "number") if task is not None else None,
        )


# -- helpers -----------------------------------------------------------------------------------------
def _content(s: str, spans: list[tuple[int, int]]) -> str:
    return mask(s, [sp for sp in spans if sp != (0, 0)])


_LEFTOVER_OK = words(
    "co gi nao thi sao the a nhe nha cua ben minh em toi anh chi ban bot oi ha vay roi khong chua va voi "
    "trong o tai cho xem hoi nhi day kia nay la duoc phai can lam viec nhiem vu cong han den nhung cac het"
)


def _leftover(content: str) -> list[str]:
    """Content words of a message once its period, unit and status phrases are removed."""
    return [t for t in content.split() if t not in _LEFTOVER_OK and not t.isdigit()]


def _looks_like_code(code: str) -> bool:
    return any(c.isdigit() for c in code) and any(c.isalpha() for c in code)


def _after_colon(original: str) -> str:
    if ":" in original:
        return original.split(":", 1)[1].strip()
    return ""


def _finish(result: NluResult) -> NluResult:
    """Clear the slots that do not belong to the intent (see module docstring)."""
    keep = KEEP.get(result.intent, frozenset())
    for slot in SLOTS:
        if slot not in keep and getattr(result, slot) is not None:
            setattr(result, slot, None)
    if result.intent not in ("task_info", "update_status"):
        result.task_source = None
    return result


def _cue_patterns() -> list[re.Pattern[str]]:
    from conversation.nlu import howto, slots

    patterns = [value for value in globals().values() if isinstance(value, re.Pattern)]
    patterns += [p for _, p in slots.UPDATE_STATUS + slots.LIST_STATUS]
    patterns += [p for p, _ in RULES]
    patterns += [slots._REMINDER_OFF, slots._REMINDER_ON, slots._REMINDER_DAYS, slots._NOTE_TASK, slots._NOTE_STATUS]
    patterns += [howto._HOW, howto._USE_THEN_ASK, howto._CAN_DO] + [p for _, p in howto._ACTIONS]
    for topics in slots.SECTION_TOPICS.values():
        patterns += [re.compile(re.escape(t)) for t in topics]
    return patterns


__all__ = ["CONFIDENT", "NluResult", "Period", "Understander", "blocked_reason"]
