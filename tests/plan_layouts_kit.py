"""A second plan document, laid out as another department's template would be, built in .docx and .xlsx
from the same rows: columns in another order with other headers (STT | Nội dung nhiệm vụ | Cơ quan chủ
trì | Cơ quan phối hợp | Thời gian thực hiện | Kết quả / sản phẩm | Ghi chú), a column-number row, deadline
phrases of the grammar, a task over two rows with its STT, content and deadline merged down, a row
continued after a repeated header (the table split in two), unit names written as abbreviations and two
units the directory does not know («P. Kinh tế», nothing like it; «Phòng Thương mại - Dịch vụ», like QLTM)."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.table import Table
from openpyxl import Workbook

HEADER = ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện",
          "Kết quả / sản phẩm", "Ghi chú"]
NUMBERS = [f"({i})" for i in range(1, 8)]
TITLE = ["KẾ HOẠCH", "Cải cách hành chính của Sở Công Thương năm 2023"]
# The rows of the first table (after the header); None marks the cell a vertical merge continues.
FIRST = [
    ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "", "", "", "", ""],
    ["1", "Ban hành Kế hoạch CCHC năm 2023", "Văn phòng Sở", "Các phòng, đơn vị thuộc Sở", "Tháng 01/2023",
     "Kế hoạch", ""],
    ["2", "Tổng hợp tình hình thực hiện nhiệm vụ", "P. QL Thương mại", "Văn phòng Sở",
     "Trước ngày 25 hằng tháng", "Văn bản tổng hợp", "Gửi qua hệ thống"],
    ["3", "Kiểm tra công tác CCHC tại các phòng", "Thanh tra Sở", "", "Quý II - Quý III/2023", "Kết luận kiểm tra", ""],
    [None, None, "Văn phòng Sở", "Thanh tra Sở", None, "Kế hoạch kiểm tra", ""],
    ["II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "", "", "", "", ""],
    ["4", "Rà soát, đơn giản hóa thủ tục hành chính", "P. Kinh tế", "Văn phòng Sở", "Định kỳ 6 tháng",
     "Phương án đơn giản hóa", ""],
    ["5", "Số hóa hồ sơ, kết quả giải quyết", "Văn phòng Sở", "Sở Thông tin và Truyền thông", "Quý IV/2023",
     "Hồ sơ được số hóa", ""],
]
# The second table repeats the header; its first row continues task 5 (split by the page).
SECOND = [
    ["", "thủ tục hành chính", "", "", "", "", ""],
    ["6", "Cập nhật dữ liệu lên Cổng dịch vụ công", "TT KC&XTTM", "", "Khi hệ thống sẵn sàng", "Dữ liệu", ""],
    ["7", "Tự đánh giá chỉ số CCHC", "Văn phòng Sở; Phòng Thương mại - Dịch vụ", "Các phòng, đơn vị thuộc Sở",
     "Trước tháng 6",
     "Báo cáo tự đánh giá", ""],
]


def write_docx(path: Path) -> Path:
    document = Document()
    for line in TITLE:
        document.add_paragraph(line)
    _docx_table(document, [HEADER, NUMBERS, *FIRST])
    document.add_paragraph("")
    _docx_table(document, [HEADER, *SECOND])
    document.save(path)
    return path


def _docx_table(document, rows: list[list[str | None]]) -> Table:
    table = document.add_table(rows=len(rows), cols=len(HEADER))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            table.cell(r, c).text = value
            if r + 1 < len(rows) and rows[r + 1][c] is None:
                table.cell(r, c).merge(table.cell(r + 1, c))  # a vertical merge over the next row
        if row[0] in ("I", "II"):
            table.cell(r, 1).merge(table.cell(r, len(HEADER) - 1))  # section title across the row
    return table


def write_xlsx(path: Path) -> Path:
    """Another template: sheet «Danh mục nhiệm vụ», the heading above, the table from column B, the
    header repeated where the printed pages break."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh mục nhiệm vụ"
    sheet.append(["", "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2023"])
    sheet.append(["", "(Kèm theo Kế hoạch số 12/KH-SCT của Sở Công Thương)"])
    rows = [HEADER, NUMBERS, *FIRST, HEADER, *SECOND]
    top = sheet.max_row + 1
    for r, row in enumerate(rows):
        sheet.append(["", *("" if v is None else v for v in row)])
        for c, value in enumerate(row):
            if value is not None and r + 1 < len(rows) and rows[r + 1][c] is None:
                sheet.merge_cells(start_row=top + r, start_column=c + 2, end_row=top + r + 1, end_column=c + 2)
    workbook.save(path)
    return path
