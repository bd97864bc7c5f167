"""Every intent the assistant serves, in one table: its help line, its slash commands, and which of them
appear in Telegram's command menu.

The help answer (`presentation.help`), the NLU's slash-command mapping (`conversation.nlu.commands`)
and the Telegram `setMyCommands` list (`bot.channels.telegram`) are all derived from `INTENTS`.

Adding an intent touches three files: one `IntentSpec` here, its handler (`handlers/<name>.py`,
`@intent("<name>")`) and its wording (`presentation/<name>.py`). An intent without slots says how it is
asked in free text with `phrases` (a pattern over the text without diacritics, lower case), which the
NLU tries after its own markers (registration, reminder settings, «tôi là ai», help); an intent with
slots keeps its rule in `conversation/nlu/intents.py`. A slash command with no arguments needs nothing
more: `commands.parse_command` answers it with the spec's intent.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str  # the canonical slash command, without "/"
    aliases: tuple[str, ...] = ()
    menu: str | None = None  # Telegram command-menu description; None: not in the menu
    example: str | None = None  # how the help shows it, e.g. "/nv 17" (default "/name")

    @property
    def shown(self) -> str:
        return self.example or f"/{self.name}"


@dataclass(frozen=True)
class IntentSpec:
    name: str
    help: str | None = None  # one help line (examples of free text); None: not in the help
    group: str | None = None  # the help's heading for this line
    commands: tuple[Command, ...] = ()
    coordinators_only: bool = False  # the help shows it to coordinators and leaders only
    phrases: str | None = None  # free text that asks for it (no diacritics, lower case); None: an NLU rule


INTENTS: tuple[IntentSpec, ...] = (
    IntentSpec(
        "list_tasks", group="Hỏi việc",
        help="quý này có việc gì đến hạn? · việc nào trễ hạn · việc thường xuyên",
        commands=(
            Command("viec", ("tasks", "list", "danhsach"), menu="Việc của đơn vị"),
            Command("quynay", menu="Việc đến hạn trong quý này"),
            Command("trehan", ("quahan",), menu="Việc đã trễ hạn"),
            Command("thuongxuyen"),
            Command("nhiemvu"),  # "/nhiemvu" lists, "/nhiemvu 17" is /nv 17
        ),
    ),
    IntentSpec(
        "task_info", group="Hỏi việc",
        help="nhiệm vụ 17 là gì · ai chủ trì việc kê khai tài sản",
        commands=(Command("nv", ("chitiet", "task"), menu="Xem một nhiệm vụ, ví dụ: /nv 17", example="/nv 17"),),
    ),
    IntentSpec(
        "update_status", group="Báo cáo tiến độ",
        help="xong nhiệm vụ 3 · nv 17 đang làm 60% · nv 33 vướng",
        commands=(
            Command("capnhat", ("update", "cn"), menu="Báo tiến độ, ví dụ: /capnhat 17 xong", example="/capnhat 17 xong"),
        ),
    ),
    IntentSpec(
        "evidence", group="Báo cáo tiến độ",
        help="gửi ảnh/tệp kèm chú thích «nv 17 biên bản…»",
        commands=(
            Command("minhchung", ("evidence",), menu="Minh chứng của nhiệm vụ, ví dụ: /minhchung 17",
                    example="/minhchung 17"),
        ),
    ),
    IntentSpec(
        "report_schedule", group="Báo cáo, chỉ tiêu, tiến độ",
        help="khi nào nộp báo cáo CCHC quý 3",
        commands=(Command("baocao", ("bc", "lichbaocao"), menu="Lịch nộp báo cáo định kỳ"),),
    ),
    IntentSpec(
        "targets", group="Báo cáo, chỉ tiêu, tiến độ",
        help="chỉ tiêu mức độ hài lòng",
        commands=(Command("chitieu", menu="Chỉ tiêu của Kế hoạch CCHC"),),
    ),
    IntentSpec(
        "target_figure", group="Báo cáo, chỉ tiêu, tiến độ",
        help="chỉ tiêu ký số quý 3 đạt 97%",
    ),
    IntentSpec(
        "report_draft", group="Văn phòng (điều phối)", coordinators_only=True,
        help="soạn báo cáo CCHC quý 3",
        commands=(Command("baocao_cchc", ("baocaocchc", "soanbaocao", "duthaobaocao"), example="/baocao_cchc q3"),),
    ),
    IntentSpec(
        "web_link", group="Báo cáo, chỉ tiêu, tiến độ",
        help="trang web tổng quan",
        commands=(Command("web", ("trangweb", "dashboard"), menu="Trang tổng quan trên web"),),
    ),
    IntentSpec(
        "progress", group="Báo cáo, chỉ tiêu, tiến độ",
        help="tiến độ toàn Sở",
        commands=(Command("tiendo", ("progress",), menu="Tiến độ của đơn vị, của toàn Sở"),),
    ),
    IntentSpec(
        "history", group="Hỏi việc", help="lịch sử nhiệm vụ 17",
        commands=(Command("lichsu", ("history",), example="/lichsu 17"),),
    ),
    IntentSpec(
        "reminder_settings", group="Nhắc việc",
        help="tắt nhắc nhở · nhắc trước 5 ngày",
        commands=(Command("nhacnho", ("nhac", "reminders"), menu="Cài đặt nhắc việc"),),
    ),
    IntentSpec(
        "link_account", group="Nhắc việc", help="dùng thêm Zalo/Telegram",
        commands=(Command("lienket", ("link", "lien_ket")),),
    ),
    IntentSpec(
        "reminder_channel", group="Nhắc việc", help="nhắc qua zalo", commands=(Command("nhacqua", ("nhac_qua",)),),
    ),
    IntentSpec(
        "whoami",
        commands=(Command("toi", ("whoami",)),),
    ),
    IntentSpec(
        "units", group="Hỏi việc",
        help="danh sách đơn vị · tên viết tắt các phòng",
        commands=(Command("donvi", ("units", "phongban")),),
        phrases=r"^(?:xem\s+|cho\s+(?:toi|em|minh)\s+(?:xem\s+)?)?(?:danh sach|ds)\s+(?:cac\s+)?(?:don vi|phong ban|phong)\b"
                r"|\bten viet tat\b|\bviet tat\s+(?:cua\s+)?(?:cac\s+)?(?:don vi|phong)\b"
                r"|\bso\s+(?:co|gom)\s+(?:nhung|may|bao nhieu)\s+(?:don vi|phong)\b",
    ),
    IntentSpec(
        "export", group="Văn phòng (điều phối)", coordinators_only=True,
        help="bảng Excel kèm tình trạng",
        commands=(Command("xuatbaocao", ("xuat", "export"), example="/xuatbaocao q3"),),
    ),
    IntentSpec(
        "review", group="Văn phòng (điều phối)", coordinators_only=True,
        help="duyệt minh chứng",
        commands=(Command("duyet", ("duyetminhchung",)),),
    ),
    IntentSpec(
        "broadcast", group="Văn phòng (điều phối)", coordinators_only=True,
        help="thông báo tới các trưởng đơn vị",
        commands=(Command("thongbao", ("broadcast",), example="/thongbao <nội dung>"),),
    ),
    IntentSpec(
        "record_trigger", group="Văn phòng (điều phối)", coordinators_only=True,
        help="nv 18: đã nhận văn bản UBND ngày 10/5",
    ),
    IntentSpec(
        "set_deadline", group="Văn phòng (điều phối)", coordinators_only=True,
        help="nv 3 hạn 30/06 (mốc cần xác định thời hạn)",
    ),
    IntentSpec(
        "needs_date", group="Văn phòng (điều phối)", coordinators_only=True,
        help="mốc cần xác định thời hạn",
        commands=(Command("canhan", ("canxacdinhhan",)),),
        phrases=r"\b(?:moc|viec|nhiem vu)\s+(?:nao\s+)?(?:can xac dinh|chua co)\s+(?:thoi\s+)?han\b",
    ),
    IntentSpec(
        "register",
        commands=(Command("start", menu="Bắt đầu, đăng ký bằng mã mời"), Command("dangky", ("register", "dk"))),
    ),
    IntentSpec(
        "help",
        commands=(Command("huongdan", ("help", "trogiup", "hd", "menu"), menu="Hướng dẫn sử dụng"),),
    ),
    IntentSpec("cancel", commands=(Command("huy", ("cancel",)),)),
    IntentSpec("greeting"),
    IntentSpec("thanks"),
    IntentSpec("goodbye"),
    IntentSpec("unknown"),
    IntentSpec("confirm"),
    IntentSpec("deny"),
    IntentSpec("choice"),
)

BY_NAME: dict[str, IntentSpec] = {spec.name: spec for spec in INTENTS}


def slash_commands() -> dict[str, tuple[str, str]]:
    """Every spelling of a slash command (folded, no "/") → (its canonical name, its intent)."""
    table: dict[str, tuple[str, str]] = {}
    for spec in INTENTS:
        for command in spec.commands:
            for spelling in (command.name, *command.aliases):
                if spelling in table:
                    raise RuntimeError(f"/{spelling} thuộc hai ý định: {table[spelling][1]} và {spec.name}")
                table[spelling] = (command.name, spec.name)
    return table


def menu_commands() -> list[tuple[str, str]]:
    """Telegram's command menu (setMyCommands): (command, description), in the table's order, /start first."""
    items = [(c.name, c.menu) for spec in INTENTS for c in spec.commands if c.menu]
    items.sort(key=lambda item: item[0] != "start")
    return items


def help_sections(*, coordinator: bool) -> list[tuple[str, list[str]]]:
    """(heading, lines) for the help answer, in the table's order."""
    groups: dict[str, list[str]] = {}
    for spec in INTENTS:
        if spec.help is None or spec.group is None or (spec.coordinators_only and not coordinator):
            continue
        shown = spec.commands[0].shown if spec.commands else ""
        groups.setdefault(spec.group, []).append(spec.help + (f" ({shown})" if shown else ""))
    return list(groups.items())


SLASH = slash_commands()
