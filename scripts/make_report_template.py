"""Build the bundled report template `bot/defaults/report_template.docx` (run from the repository root):

    .venv/bin/python scripts/make_report_template.py [OUT.docx]

The template is an ordinary Word document with docxtpl tags (Jinja2): `{{ name }}` prints a value,
`{%p for … %}` / `{%p endfor %}` on a paragraph of their own repeat the paragraphs between them,
`{%tr for … %}` does the same for table rows; the filter `|d` writes a date as dd/mm/yyyy. The
department may open the result in Word, reword the outline and save it under another name, then point
`REPORT_TEMPLATE_FILE` at it (docs/report.md lists every value the template may use).

Typography of administrative documents (Nghị định 30/2020/NĐ-CP, Phụ lục I): A4, margins top and bottom
2 cm, left 3 cm, right 1.5 cm; Times New Roman 13–14; body justified with a first-line indent; headings
bold.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

OUT = Path(__file__).resolve().parent.parent / "bot" / "defaults" / "report_template.docx"
FONT = "Times New Roman"


def _font(style, size: float, bold: bool = False) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):  # a theme font would win
        fonts.attrib.pop(qn(attr), None)


def build(out: Path = OUT) -> Path:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)

    normal = doc.styles["Normal"]
    _font(normal, 14)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    normal.paragraph_format.first_line_indent = Cm(1)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.1
    for name, size in (("Heading 1", 14), ("Heading 2", 14), ("Heading 3", 14)):
        style = doc.styles[name]
        _font(style, size, bold=True)
        style.font.color.rgb = None
        style.font.italic = False
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        style.paragraph_format.first_line_indent = Cm(1)
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True

    def para(text: str = "", *, bold: bool = False, italic: bool = False, center: bool = False, indent: bool = True,
             size: float | None = None):
        p = doc.add_paragraph()
        if text:
            run = p.add_run(text)
            run.bold, run.italic = bold, italic
            if size:
                run.font.size = Pt(size)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if center or not indent:
            p.paragraph_format.first_line_indent = Cm(0)
        return p

    def tag(text: str):  # a docxtpl control paragraph: it disappears from the output
        return para(text, indent=False)

    # -- heading block: issuer | national motto -------------------------------------------------------
    head = doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    head.autofit = False
    left, right = head.rows[0].cells
    for column, cell, width in zip(head.columns, (left, right), (Cm(6.2), Cm(10.3)), strict=True):
        column.width = width
        cell.width = width
    for cell, lines in (
        (left, [("UBND TỈNH BÌNH ĐỊNH", True, False), ("{{ issuer|upper }}", True, False),
                ("Số: …/BC-SCT", False, False)]),
        (right, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False), ("Độc lập - Tự do - Hạnh phúc", True, False),
                 ("Bình Định, ngày … tháng … năm {{ year }}", False, True)]),
    ):
        cell.paragraphs[0].text = ""
        for i, (text, bold, italic) in enumerate(lines):
            p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.first_line_indent = Cm(0)
            p.paragraph_format.space_after = Pt(0)
            run = p.add_run(text)
            run.bold, run.italic = bold, italic
            run.font.size = Pt(12 if cell is right and i == 0 else 13)

    para()
    para("BÁO CÁO", bold=True, center=True)
    para("Kết quả thực hiện công tác cải cách hành chính {{ period_name }}", bold=True, center=True)
    para("(Số liệu tính từ ngày {{ start|d }} đến ngày {{ cutoff|d }})", italic=True, center=True, size=13)
    para("Thực hiện {{ plan_title }}, {{ issuer }} báo cáo kết quả thực hiện công tác cải cách hành chính "
         "(CCHC) {{ period_name }} như sau:")

    # -- I ------------------------------------------------------------------------------------------------
    doc.add_heading("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", level=1)
    para("{{ issuer }} tiếp tục chỉ đạo các phòng, đơn vị thực hiện Kế hoạch CCHC năm {{ year }}; theo dõi, "
         "đôn đốc tiến độ qua Trợ lý CCHC. Trong kỳ, {{ units_reporting }} đơn vị đã cập nhật "
         "{{ updates_in_period }} lượt tình trạng nhiệm vụ, gửi {{ evidence_in_period }} tài liệu minh chứng; "
         "{{ figures_in_period }} chỉ tiêu có số liệu của kỳ.")

    # -- II -----------------------------------------------------------------------------------------------
    doc.add_heading("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CCHC", level=1)
    tag("{%p for area in areas %}")
    doc.add_heading("{{ area.number }}. {{ area.title }}", level=2)
    tag("{%p if area.targets %}")
    para("a) Kết quả thực hiện các chỉ tiêu", italic=True)
    tag("{%p for t in area.targets %}")
    para("- Chỉ tiêu {{ t.code }} ({{ t.short_name }}): mục tiêu {{ t.goal }}; "
         "{% if t.figure %}kết quả {{ t.figure }}{% if t.fraction %} ({{ t.fraction }}){% endif %}"
         "{% if t.verdict %} — {{ t.verdict }}{% endif %} (số liệu do {{ t.reported_by }} báo cáo ngày "
         "{{ t.reported_on|d }}){% else %}chưa có số liệu{% endif %}.")
    tag("{%p endfor %}")
    tag("{%p endif %}")
    para("b) Nhiệm vụ hoàn thành trong kỳ", italic=True)
    tag("{%p for c in area.completed %}")
    para("- Nhiệm vụ {{ c.task }}: {{ c.title }}{% if c.milestone %} (mốc «{{ c.milestone }}»){% endif %} — "
         "{{ c.unit }}, hoàn thành ngày {{ c.date|d }}.")
    tag("{%p endfor %}")
    tag("{%p if not area.completed %}")
    para("- Không có nhiệm vụ hoàn thành trong kỳ.")
    tag("{%p endif %}")
    tag("{%p if area.in_progress %}")
    para("c) Nhiệm vụ đang thực hiện", italic=True)
    tag("{%p for p in area.in_progress %}")
    para("- Nhiệm vụ {{ p.task }}: {{ p.title }} — {{ p.unit }}: {{ p.status }}.")
    tag("{%p endfor %}")
    tag("{%p endif %}")
    tag("{%p if area.evidence %}")
    para("d) Tài liệu minh chứng đã gửi", italic=True)
    tag("{%p for e in area.evidence %}")
    para("- Nhiệm vụ {{ e.task }} ({{ e.unit }}): «{{ e.file_name }}», ngày {{ e.date|d }} — {{ e.state }}.")
    tag("{%p endfor %}")
    tag("{%p endif %}")
    tag("{%p endfor %}")

    # -- III ----------------------------------------------------------------------------------------------
    doc.add_heading("III. ĐÁNH GIÁ CHUNG", level=1)
    doc.add_heading("1. Kết quả đạt được", level=2)
    para("Đến ngày {{ cutoff|d }}, trong {{ counts.total }} phần việc của Kế hoạch: {{ counts.done_on_time }} "
         "hoàn thành đúng hạn; {{ counts.done_late }} hoàn thành trễ hạn; {{ counts.in_progress }} đang thực hiện; "
         "{{ counts.blocked }} gặp vướng mắc; {{ counts.not_started }} chưa thực hiện. Trong số chưa hoàn thành, "
         "{{ counts.overdue }} phần việc đã quá hạn.")
    doc.add_heading("2. Tồn tại, hạn chế", level=2)
    tag("{%p for b in blockers %}")
    para("- Nhiệm vụ {{ b.task }}: {{ b.title }} — {{ b.unit }} báo vướng mắc: «{{ b.note }}».")
    tag("{%p endfor %}")
    tag("{%p if not blockers %}")
    para("- Trong kỳ, các đơn vị không báo cáo vướng mắc.")
    tag("{%p endif %}")

    # -- IV -----------------------------------------------------------------------------------------------
    doc.add_heading("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", level=1)
    para("Các nhiệm vụ đến hạn trong {{ next_title }} (từ ngày {{ next_start|d }} đến ngày {{ next_end|d }}):")
    tag("{%p for u in next_due %}")
    para("{{ u.unit }}:", bold=True)
    tag("{%p for i in u.due %}")
    para("- Nhiệm vụ {{ i.task }}: {{ i.title }} — {{ i.milestone }} (hạn {{ i.due|d }}).")
    tag("{%p endfor %}")
    tag("{%p endfor %}")
    tag("{%p if not next_due %}")
    para("- Không có nhiệm vụ có thời hạn cụ thể trong kỳ tới.")
    tag("{%p endif %}")
    tag("{%p if year_round %}")
    para("Tiếp tục thực hiện {{ year_round }} phần việc thường xuyên cả năm.")
    tag("{%p endif %}")
    para()
    para("Trên đây là báo cáo kết quả thực hiện công tác CCHC {{ period_name }} của {{ issuer }}./.")

    # -- signature --------------------------------------------------------------------------------------
    sign = doc.add_table(rows=1, cols=2)
    left, right = sign.rows[0].cells
    left.paragraphs[0].text = ""
    p = left.paragraphs[0]
    p.paragraph_format.first_line_indent = Cm(0)
    r = p.add_run("Nơi nhận:")
    r.bold, r.italic, r.font.size = True, True, Pt(12)
    for line in ("- Sở Nội vụ;", "- Lãnh đạo Sở;", "- Lưu: VT, VP."):
        q = left.add_paragraph()
        q.paragraph_format.first_line_indent = Cm(0)
        q.paragraph_format.space_after = Pt(0)
        q.add_run(line).font.size = Pt(11)
    right.paragraphs[0].text = ""
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Cm(0)
    p.add_run("GIÁM ĐỐC").bold = True

    # -- appendix -----------------------------------------------------------------------------------------
    doc.add_page_break()
    para("PHỤ LỤC", bold=True, center=True)
    para("Tình hình thực hiện các nhiệm vụ CCHC năm {{ year }} đến ngày {{ cutoff|d }}", bold=True, center=True)
    para("(Kèm theo Báo cáo số …/BC-SCT ngày … của {{ issuer }})", italic=True, center=True, size=13)
    headers = ("STT", "Nhiệm vụ", "Đơn vị chủ trì", "Thời gian hoàn thành", "Tình trạng")
    widths = (Cm(1.3), Cm(5.2), Cm(3.3), Cm(2.7), Cm(4.0))
    table = doc.add_table(rows=7, cols=len(headers))
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    rows = [
        list(headers),
        ["{%tr for s in appendix %}", "", "", "", ""],
        ["{{ s.roman }}", "{{ s.title }}", "", "", ""],
        ["{%tr for t in s.tasks %}", "", "", "", ""],
        ["{{ t.number }}", "{{ t.title }}", "{{ t.leads }}", "{{ t.deadline }}",
         "{% if t.uniform %}{{ t.uniform }}{% else %}{% for sh in t.shares %}{% if t.shares|length > 1 %}{{ sh.unit }}: {% endif %}{{ sh.status }}"
         "{% if sh.done_on %} ({{ sh.done_on|d }}){% endif %}{% if sh.overdue %}, trễ hạn{% endif %}"
         "{% if not loop.last %}; {% endif %}{% endfor %}{% endif %}"],
        ["{%tr endfor %}", "", "", "", ""],
        ["{%tr endfor %}", "", "", "", ""],
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.rows[r].cells[c]
            cell.width = widths[c]
            p = cell.paragraphs[0]
            p.paragraph_format.first_line_indent = Cm(0)
            p.paragraph_format.space_after = Pt(0)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if c == 0 or r == 0 else WD_ALIGN_PARAGRAPH.LEFT
            run = p.add_run(value)
            run.font.size = Pt(11)
            run.bold = r in (0, 2)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.core_properties.title = "Mẫu báo cáo kết quả thực hiện công tác CCHC"
    doc.core_properties.author = "Trợ lý CCHC"
    doc.save(str(out))
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
