"""Understanding a Vietnamese chat message (docs/contracts.md §3): rule-based, fuzzy, no model, no network.

    understander = Understander(units, TaskIndex.from_tasks(tasks))
    result = understander.parse("nv 17 dang lam duoc 60%", today)   # → NluResult
    result.to_contract()                                               # the 9 contract keys

Contract intents: list_tasks, task_info, update_status, report_schedule, targets, progress, register,
help, greeting, unknown.

Internal intents (used by the conversation engine; the CLI prints them verbatim):
- record_trigger    "nv 18: đã nhận văn bản UBND ngày 10/5" → task, trigger_date (a coordinator records
                    the event a relative / after-event milestone counts from)
- reminder_settings "tắt nhắc nhở", "bật lại nhắc nhở", "nhắc trước 5 ngày", /nhacnho → reminder
                    {"action": "off"|"on"|"days_before", "days": N} (None: show the current settings)
- evidence          "gửi minh chứng nv 17", /minhchung 17 → task
- export            "xuất báo cáo quý 3 ra excel", /xuatbaocao q3 → report (and unit)
- history           "lịch sử cập nhật nv 17", /lichsu 17 → task
- broadcast         /thongbao <text>, "thông báo cho tất cả các đơn vị: ..." → note = the text
- confirm, deny, cancel   "có", "ok", "đồng ý", "đúng rồi" / "không", "sai" / "huỷ", "thôi"
- choice            a bare "1", "2", "chọn 2" → choice
- target_figure     "chỉ tiêu ký số quý 3 đạt 97%", "đã kiểm tra 4/7 phòng" → figure {"value", "numerator",
                    "denominator"}, report (the period, if named), note (the topic the target service matches)
- report_draft      "soạn báo cáo CCHC quý 3", /baocao_cchc q3 → report
- link_account, reminder_channel   messenger-account phrases, see `conversation.nlu.accounts` (checked first)

Module map: `normalize` (spelling variety), `periods` (dates and periods), `slots` (task numbers,
statuses, units, codes, ...), `tasks` (task by description), `commands` (slash commands), `intents`
(the decision cascade), `result` (output types), `accounts` (messenger-account phrases).
"""

from __future__ import annotations

from conversation.nlu.intents import CONFIDENT, Understander
from conversation.nlu.result import CONTRACT_KEYS, NluResult, Period
from conversation.nlu.tasks import TaskIndex

__all__ = ["CONFIDENT", "CONTRACT_KEYS", "NluResult", "Period", "TaskIndex", "Understander"]
