"""Build the bundled report template `bot/defaults/report_template.docx` (run from the repository root):

    .venv/bin/python scripts/make_report_template.py [OUT.docx]

The template is an ordinary Word document with docxtpl tags (Jinja2): `{{ name }}` prints a value,
`{%p for … %}` / `{%p endfor %}` on a paragraph of their own repeat the paragraphs between them,
`{%tr for … %}` does the same for table rows; the filter `|d` writes a date as dd/mm/yyyy. The
department may open the result in Word, reword the outline and save it under another name, then point
`REPORT_TEMPLATE_FILE` at it (docs/report.md lists every value the template may use).

The outline is the periodic CCHC report a Sở sends Sở Nội vụ: I. Công tác chỉ đạo, điều hành (the plan's
area I); II. Kết quả by the six reform areas; III. Đánh giá chung (ưu điểm; tồn tại, hạn chế; nguyên nhân);
IV. Phương hướng; V. Kiến nghị, đề xuất; Nơi nhận and signature; then the statistics annex (Biểu số liệu).
Every blank a person fills in is the one marker «[…cần bổ sung…]» (`{{ blank }}`), highlighted.

Form of administrative documents (Nghị định 30/2020/NĐ-CP, Phụ lục I): A4, margins top and bottom 2 cm,
left 3 cm, right 1.5 cm; Times New Roman 13–14; body justified with a first-line indent; headings bold;
the page number centred in the top margin from the second page; table header rows repeat on every page.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

OUT = Path(__file__).resolve().parent.parent / "bot" / "defaults" / "report_template.docx"
FONT = "Times New Roman"
TABLE_PT = 13
BLANK = "{{ blank }}"

Run = tuple[str, str]  # (text, style letters: b bold, i italic, h highlighted marker)


def _font(style: Any, size: float, bold: bool = False) -> None:
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


def _runs(p: Any, runs: Sequence[Run], size: float | None = None) -> Any:
    for text, style in runs:
        run = p.add_run(text)
        run.bold = "b" in style or None
        run.italic = "i" in style or None
        if "h" in style:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        if size:
            run.font.size = Pt(size)
    return p


def _page_number(section: Any) -> None:
    """PAGE field centred in the header; none on the first page (Nghị định 30/2020: from page 2)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = Cm(0)
    run = p.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._r.append(t)


def _rule(p: Any, indent_cm: float) -> None:
    """A short rule under a heading line (a bottom border narrowed by indents)."""
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)
    p.paragraph_format.left_indent = Cm(indent_cm)
    p.paragraph_format.right_indent = Cm(indent_cm)


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _keep_rows_whole(row: Any) -> None:
    """A row is not split across two pages (docxtpl copies the row's properties to every repeated row)."""
    trpr = row._tr.get_or_add_trPr()
    trpr.insert(0, OxmlElement("w:cantSplit"))


def _no_borders(table: Any) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tblpr.append(borders)


class Builder:
    def __init__(self) -> None:
        self.doc = Document()
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(1.5)
        section.header_distance = Cm(1)
        _page_number(section)
        normal = self.doc.styles["Normal"]
        _font(normal, 14)
        normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        normal.paragraph_format.first_line_indent = Cm(1)
        normal.paragraph_format.space_after = Pt(4)
        normal.paragraph_format.line_spacing = 1.05
        for name in ("Heading 1", "Heading 2", "Heading 3"):
            style = self.doc.styles[name]
            _font(style, 14, bold=True)
            style.font.color.rgb = None
            style.font.italic = name == "Heading 3"
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            style.paragraph_format.first_line_indent = Cm(1)
            style.paragraph_format.space_before = Pt(6)
            style.paragraph_format.space_after = Pt(4)
            style.paragraph_format.keep_with_next = True
        _font(self.doc.styles["Table Grid"], TABLE_PT)

    def para(self, *runs: Run, center: bool = False, indent: bool = True, size: float | None = None,
             after: float | None = None) -> Any:
        p = self.doc.add_paragraph()
        _runs(p, runs, size)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if center or not indent:
            p.paragraph_format.first_line_indent = Cm(0)
        if after is not None:
            p.paragraph_format.space_after = Pt(after)
        return p

    def text(self, text: str, style: str = "") -> Any:
        return self.para((text, style))

    def tag(self, text: str) -> Any:  # a docxtpl control paragraph: it disappears from the output
        return self.para((text, ""), indent=False)

    def heading(self, text: str, level: int) -> Any:
        return self.doc.add_heading(text, level=level)

    def table(self, headers: Sequence[str], widths: Sequence[float], rows: Sequence[Sequence[Sequence[Run]]],
              bold_rows: Sequence[int] = ()) -> Any:
        table = self.doc.add_table(rows=1 + len(rows), cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
        for row in table.rows:
            _keep_rows_whole(row)
        _repeat_header(table.rows[0])
        all_rows: list[Sequence[Sequence[Run]]] = [[[(h, "b")] for h in headers], *rows]
        for r, values in enumerate(all_rows):
            for c, runs in enumerate(values):
                cell = table.rows[r].cells[c]
                cell.width = Cm(widths[c])
                p = cell.paragraphs[0]
                p.paragraph_format.first_line_indent = Cm(0)
                p.paragraph_format.space_after = Pt(0)
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER if (r == 0 or c != 1) else WD_ALIGN_PARAGRAPH.LEFT
                styled = [(t, s + ("b" if r - 1 in bold_rows else "")) for t, s in runs]
                _runs(p, styled, TABLE_PT)
        return table


def heading_block(b: Builder) -> None:
    head = b.doc.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    head.autofit = False
    _no_borders(head)
    left, right = head.rows[0].cells
    for column, cell, width in zip(head.columns, (left, right), (Cm(6.3), Cm(10.2)), strict=True):
        column.width = width
        cell.width = width
    lines: list[tuple[Any, list[Run], float, bool]] = [
        (left, [("UBND TỈNH ", ""), ("{% if not province %}" + BLANK + "{% endif %}", "h"),
                ("{{ province|upper }}", "")], 13, False),
        (left, [("{{ issuer|upper }}", "b")], 13, True),
        (left, [("Số: ", ""), (BLANK, "h"), ("/BC-SCT", "")], 13, False),
        (right, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "b")], 12, False),
        (right, [("Độc lập - Tự do - Hạnh phúc", "b")], 13, True),
        (right, [("{% if not province %}" + BLANK + "{% endif %}", "ih"), ("{{ province }}, ngày ", "i"),
                 (BLANK, "ih"), (" năm {{ year }}", "i")], 13, False),
    ]
    first = {id(left): True, id(right): True}
    for cell, runs, size, rule in lines:
        p = cell.paragraphs[0] if first[id(cell)] else cell.add_paragraph()
        first[id(cell)] = False
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = Cm(0)
        p.paragraph_format.space_after = Pt(0)
        _runs(p, runs, size)
        if rule:
            under = cell.add_paragraph()
            under.paragraph_format.space_after = Pt(6)
            under.paragraph_format.first_line_indent = Cm(0)
            _runs(under, [("", "")], 2)
            _rule(under, 1.6 if cell is left else 2.4)


def preamble(b: Builder) -> None:
    b.para()
    b.para(("BÁO CÁO", "b"), center=True, after=0)
    b.para(("Kết quả thực hiện công tác cải cách hành chính {{ period_name }}", "b"), center=True, after=0)
    b.para(("(Số liệu tính từ ngày {{ start|d }} đến ngày {{ cutoff|d }})", "i"), center=True, size=13)
    b.para(("Căn cứ Kế hoạch số ", ""), ("{% if plan_number_blank %}" + BLANK + "{% endif %}", "h"),
           ("{{ plan_number }} ngày ", ""), ("{% if plan_date_blank %}" + BLANK + "{% endif %}", "h"),
           ("{{ plan_date }} của {{ issuer }} về cải cách hành chính năm {{ year }}", ""),
           ("; {{ issuer }} báo cáo kết quả thực hiện công tác cải cách hành chính (CCHC) {{ period_name }} "
            "như sau:", ""))


def area_body(b: Builder, a: str) -> None:
    """The targets, tasks and evidence of one area (`a` is the loop variable's name)."""
    b.tag(f"{{%p for t in {a}.targets %}}")
    b.para(("- Chỉ tiêu {{ t.code }}: «{{ t.text }}» (mục tiêu: {{ t.goal }}). Kết quả: ", ""),
           ("{% if t.figure %}{{ t.figure }}{% if t.fraction %} ({{ t.fraction }}){% endif %}"
            "{% if t.period_label %} ({{ t.period_label }}){% endif %}{% if t.verdict %}, {{ t.verdict }}{% endif %}"
            "{% endif %}", "b"),
           ("{% if not t.figure %}" + BLANK + "{% endif %}", "h"),
           ("{% if t.late_figure %}; số liệu {{ t.late_figure }} được báo ngày {{ t.late_on|d }}, sau ngày chốt "
            "số liệu, chưa tính vào báo cáo này{% endif %}.", ""))
    b.tag("{%p endfor %}")
    b.tag(f"{{%p if {a}.done %}}")
    b.text(f"- Đã hoàn thành {{{{ {a}.done|length }}}} phần việc:")
    b.tag(f"{{%p for task, items in {a}.done|groupby('task') %}}")
    b.text("+ Nhiệm vụ {{ task }} «{{ items[0].title }}»: {% for d in items %}{{ d.unit }}"
           "{% if d.milestone %} hoàn thành nội dung «{{ d.milestone }}»{% endif %} ngày {{ d.date|d }}"
           "{% if d.late %} (sau thời hạn){% endif %}{% if not loop.last %}; {% endif %}{% endfor %}.")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.tag(f"{{%p if {a}.in_progress %}}")
    b.text(f"- Đang triển khai {{{{ {a}.in_progress|length }}}} phần việc: {{% for task, items in "
           f"{a}.in_progress|groupby('task') %}}nhiệm vụ {{{{ task }}}} ({{% for p in items %}}{{{{ p.unit }}}}"
           "{% if p.percent is not none %} {{ p.percent }}%{% endif %}{% if not loop.last %}, {% endif %}{% endfor %})"
           "{% if not loop.last %}; {% endif %}{% endfor %}.")
    b.tag("{%p endif %}")
    b.tag(f"{{%p if {a}.blocked %}}")
    b.text(f"- Gặp vướng mắc {{{{ {a}.blocked|length }}}} phần việc: {{% for x in {a}.blocked %}}nhiệm vụ "
           "{{ x.task }} ({{ x.unit }}){% if not loop.last %}; {% endif %}{% endfor %}; nội dung nêu tại mục III.")
    b.tag("{%p endif %}")
    b.tag(f"{{%p if not ({a}.done or {a}.in_progress or {a}.blocked) %}}")
    b.text("- Trong kỳ, các đơn vị chưa cập nhật kết quả thực hiện nhiệm vụ của lĩnh vực này.")
    b.tag("{%p endif %}")
    b.tag(f"{{%p if {a}.evidence_accepted %}}")
    b.text(f"- Tài liệu minh chứng: {{{{ {a}.evidence_accepted }}}} tài liệu đã được Văn phòng Sở xác nhận, "
           f"tiêu biểu: {{% for e in {a}.evidence_top %}}«{{{{ e.name }}}}» (nhiệm vụ {{{{ e.task }}}})"
           "{% if not loop.last %}; {% endif %}{% endfor %}.")
    b.tag("{%p endif %}")


def part_one_two(b: Builder) -> None:
    b.heading("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", 1)
    b.para(("{{ issuer }} ban hành Kế hoạch CCHC năm {{ year }} và tổ chức triển khai đến các phòng, đơn vị; "
            "theo dõi, đôn đốc tiến độ thực hiện hằng tháng. Công tác tuyên truyền, kiểm tra CCHC trong kỳ "
            "(số cuộc kiểm tra, hình thức tuyên truyền): ", ""), (BLANK, "h"))
    b.tag("{%p if direction %}")
    area_body(b, "direction")
    b.tag("{%p endif %}")
    b.heading("II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH", 1)
    b.tag("{%p for area in areas %}")
    b.heading("{{ area.number }}. {{ area.title }}", 2)
    area_body(b, "area")
    b.tag("{%p endfor %}")


def part_three(b: Builder) -> None:
    b.heading("III. ĐÁNH GIÁ CHUNG", 1)
    b.heading("1. Ưu điểm", 2)
    b.text("Đến hết ngày {{ cutoff|d }}, {{ tasks_done }}/{{ tasks_total }} nhiệm vụ của Kế hoạch đã hoàn thành ở mọi "
           "đơn vị chủ trì; {{ counts.done }}/{{ counts.shares }} phần việc (nhiệm vụ của từng đơn vị) đã hoàn thành "
           "({{ counts.done_on_time }} đúng hạn, {{ counts.done_late }} sau thời hạn); {{ counts.in_progress }} "
           "phần việc đang triển khai; {{ counts.not_started - counts.not_updated }} phần việc đơn vị báo chưa "
           "thực hiện và {{ counts.not_updated }} phần việc chưa có cập nhật.")
    b.tag("{%p if achieved %}")
    b.text("Các chỉ tiêu đã đạt: {% for t in achieved %}chỉ tiêu {{ t.code }} ({{ t.figure }}){% if not loop.last %}"
           ", {% endif %}{% endfor %}.")
    b.tag("{%p endif %}")
    b.para(("Những kết quả nổi bật khác: ", ""), (BLANK, "h"))
    b.heading("2. Tồn tại, hạn chế", 2)
    b.tag("{%p if overdue %}")
    b.text("Đến hết ngày {{ cutoff|d }}, {{ counts.overdue }} phần việc đã quá thời hạn mà chưa hoàn thành:")
    b.tag("{%p for o in overdue %}")
    b.text("- Nhiệm vụ {{ o.task }} «{{ o.title }}» — {{ o.milestone }} (hạn {{ o.due|d }}): "
           "{% for u in o.units %}{{ u.unit }} ({% if u.status == 'in_progress' %}đang thực hiện"
           "{% if u.percent is not none %} {{ u.percent }}%{% endif %}{% elif u.status == 'blocked' %}vướng mắc"
           "{% elif u.updated %}chưa thực hiện{% else %}chưa cập nhật{% endif %}){% if not loop.last %}, {% endif %}"
           "{% endfor %}.")
    b.tag("{%p endfor %}")
    b.tag("{%p else %}")
    b.text("Đến hết ngày {{ cutoff|d }}, không có phần việc nào quá thời hạn.")
    b.tag("{%p endif %}")
    b.tag("{%p if blockers %}")
    b.text("Các vướng mắc đơn vị đã báo:")
    b.tag("{%p for x in blockers %}")
    b.text("- Nhiệm vụ {{ x.task }} «{{ x.title }}» — {{ x.unit }}{% if x.date %} (ngày {{ x.date|d }}){% endif %}: "
           "«{{ x.note }}».")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.para(("Tồn tại, hạn chế khác: ", ""), (BLANK, "h"))
    b.heading("3. Nguyên nhân", 2)
    b.tag("{%p for c in causes %}")
    b.text("- {{ c.reason }}: {% for x in c.blockers %}nhiệm vụ {{ x.task }} ({{ x.unit }}: «{{ x.note }}»)"
           "{% if not loop.last %}; {% endif %}{% endfor %}.")
    b.tag("{%p endfor %}")
    b.para(("Nguyên nhân khách quan, chủ quan khác: ", ""), (BLANK, "h"))


def part_four_five(b: Builder) -> None:
    b.heading("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", 1)
    b.tag("{%p if overdue or blockers %}")
    b.text("1. Tập trung hoàn thành các phần việc quá hạn, vướng mắc nêu tại mục III, thuộc các nhiệm vụ số "
           "{{ carry_tasks|join(', ') }}.")
    b.tag("{%p endif %}")
    b.text("2. Các nhiệm vụ đến hạn từ ngày {{ carry_start|d }} đến ngày {{ next_end|d }} ({{ next_title }}):")
    b.tag("{%p for d in due_next %}")
    b.text("- Nhiệm vụ {{ d.task }} «{{ d.title }}» — {{ d.milestone }} (hạn {{ d.due|d }}): "
           "{% for u in d.units %}{{ u.unit }}{% if not loop.last %}, {% endif %}{% endfor %}.")
    b.tag("{%p endfor %}")
    b.tag("{%p if not due_next %}")
    b.text("- Không có nhiệm vụ có thời hạn cụ thể trong thời gian này.")
    b.tag("{%p endif %}")
    b.tag("{%p if year_round %}")
    b.text("3. Tiếp tục thực hiện {{ year_round }} phần việc thường xuyên cả năm theo Kế hoạch.")
    b.tag("{%p endif %}")
    b.para(("Nhiệm vụ trọng tâm khác: ", ""), (BLANK, "h"))
    b.heading("V. KIẾN NGHỊ, ĐỀ XUẤT", 1)
    b.tag("{%p for x in proposals %}")
    b.para(("- Nhiệm vụ {{ x.task }} ({{ x.unit }}): «{{ x.note }}» — đề nghị ", ""), (BLANK, "h"), (".", ""))
    b.tag("{%p endfor %}")
    b.para(("Kiến nghị, đề xuất khác: ", ""), (BLANK, "h"))
    b.para(("Trên đây là báo cáo kết quả thực hiện công tác CCHC {{ period_name }} của {{ issuer }}./.", ""))


def signature(b: Builder) -> None:
    sign = b.doc.add_table(rows=1, cols=2)
    _no_borders(sign)
    left, right = sign.rows[0].cells
    p = left.paragraphs[0]
    p.paragraph_format.first_line_indent = Cm(0)
    _runs(p, [("Nơi nhận:", "bi")], 12)
    for line in ("- Sở Nội vụ;", "- Lãnh đạo Sở;", "- Các phòng, đơn vị thuộc Sở;", "- Lưu: VT, VP."):
        q = left.add_paragraph()
        q.paragraph_format.first_line_indent = Cm(0)
        q.paragraph_format.space_after = Pt(0)
        _runs(q, [(line, "")], 11)
    lines: list[list[Run]] = [
        [("{% if signer == 'director' %}GIÁM ĐỐC{% else %}KT. GIÁM ĐỐC{% endif %}", "b")],
        [("{% if signer != 'director' %}PHÓ GIÁM ĐỐC{% endif %}", "b")],
        [("", "")], [("", "")], [("", "")],
        [(BLANK, "bh")],
    ]
    for i, runs in enumerate(lines):
        q = right.paragraphs[0] if i == 0 else right.add_paragraph()
        q.alignment = WD_ALIGN_PARAGRAPH.CENTER
        q.paragraph_format.first_line_indent = Cm(0)
        q.paragraph_format.space_after = Pt(0)
        _runs(q, runs, 14)


def annex(b: Builder) -> None:
    """The statistics annex on landscape pages of its own section (the page numbers run on)."""
    section = b.doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(3), Cm(1.5)  # the binding edge of a turned page
    section.left_margin, section.right_margin = Cm(2), Cm(2)
    section.different_first_page_header_footer = False
    b.para(("BIỂU SỐ LIỆU", "b"), center=True, after=0)
    b.para(("Kết quả thực hiện Kế hoạch CCHC {{ period_name }} (số liệu đến hết ngày {{ cutoff|d }})", "b"),
           center=True, after=0)
    b.para(("(Kèm theo Báo cáo số ", "i"), (BLANK, "ih"), ("/BC-SCT của {{ issuer }})", "i"), center=True, size=13)
    b.para(("Biểu 1. Phần việc theo lĩnh vực và tình trạng", "b"), indent=False).paragraph_format.keep_with_next = True
    stat = ["{{ s.counts.shares }}", "{{ s.counts.done }}", "{{ s.counts.done_late }}", "{{ s.counts.in_progress }}",
            "{{ s.counts.blocked }}", "{{ s.counts.not_started - s.counts.not_updated }}", "{{ s.counts.not_updated }}",
            "{{ s.counts.overdue }}", "{{ s.counts.done_percent }}%"]
    total = [c.replace("s.counts", "counts") for c in stat]
    b.table(
        ("TT", "Lĩnh vực", "Số phần việc", "Hoàn thành", "Trong đó sau hạn", "Đang làm", "Vướng mắc",
         "Chưa thực hiện", "Chưa cập nhật", "Quá hạn", "Tỷ lệ hoàn thành"),
        (1.2, 6.5, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0),
        [[[("{%tr for s in stats %}", "")]] + [[("", "")]] * 10,
         [[("{{ s.roman }}", "")], [("{{ s.title }}", "")], *[[(c, "")] for c in stat]],
         [[("{%tr endfor %}", "")]] + [[("", "")]] * 10,
         [[("", "")], [("Tổng số", "")], *[[(c, "")] for c in total]]],
        bold_rows=(3,),
    )
    b.para()
    b.para(("Biểu 2. Chỉ tiêu của Kế hoạch", "b"), indent=False).paragraph_format.keep_with_next = True
    b.table(
        ("Mã", "Chỉ tiêu", "Mục tiêu", "Kết quả", "Đánh giá"),
        (1.5, 15.0, 2.8, 3.6, 2.8),
        [[[("{%tr for t in targets %}", "")]] + [[("", "")]] * 4,
         [[("{{ t.code }}", "")], [("{{ t.text }}", "")], [("{{ t.goal }}", "")],
          [("{{ t.figure }}{% if t.period_label %} ({{ t.period_label }}){% endif %}", ""),
           ("{% if not t.figure %}" + BLANK + "{% endif %}", "h")],
          [("{{ t.verdict }}", "")]],
         [[("{%tr endfor %}", "")]] + [[("", "")]] * 4],
    )
    b.para()
    b.para(("Biểu 3. Số liệu báo cáo định kỳ", "b"), indent=False).paragraph_format.keep_with_next = True
    b.table(
        ("TT", "Nội dung", "Chỉ tiêu", "Số liệu kỳ báo cáo"),
        (1.2, 15.5, 2.5, 6.5),
        [[[("{%tr for i in indicators %}", "")]] + [[("", "")]] * 3,
         [[("{{ loop.index }}", "")], [("{{ i.name }}", "")], [("{{ i.code }}", "")],
          [("{{ i.value }}", ""), ("{% if not i.value %}" + BLANK + "{% endif %}", "h")]],
         [[("{%tr endfor %}", "")]] + [[("", "")]] * 3],
    )


def build(out: Path = OUT) -> Path:
    b = Builder()
    heading_block(b)
    preamble(b)
    part_one_two(b)
    part_three(b)
    part_four_five(b)
    signature(b)
    annex(b)
    out.parent.mkdir(parents=True, exist_ok=True)
    b.doc.core_properties.title = "Mẫu báo cáo kết quả thực hiện công tác CCHC"
    b.doc.core_properties.author = "Trợ lý CCHC"
    b.doc.save(str(out))
    return out


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
