"""The cue phrases the understander's cascade looks for (on the canonical folded text, no diacritics),
kept apart from the cascade so that each reads on its own: conversation/nlu/intents.py decides in which
order they are tried.
"""

from __future__ import annotations

import re


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
