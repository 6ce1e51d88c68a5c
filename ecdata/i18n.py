"""Every user-facing label and message, in Simplified Chinese and English.

One table, so that the CLI, the pages and the error messages say the same thing. Templates use
str.format fields; `Message` carries a key and its fields so an error can be rendered later in
whatever language the reader chose.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LANGUAGES = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    # --- file-level errors (the upload is rejected, nothing is stored) ---
    "err.empty": ("文件 {file} 是空的。", "File {file} is empty."),
    "err.too_large": (
        "文件 {file} 有 {size_mb:.0f} MB，超过上限 {limit_mb} MB。请按月或按店铺拆分后再上传。",
        "File {file} is {size_mb:.0f} MB, over the {limit_mb} MB limit. Split it by month or store.",
    ),
    "err.binary": (
        "文件 {file} 不是表格（看起来是 {what}）。请上传 CSV、Excel 或 ZIP 文件。",
        "File {file} is not a table (it looks like {what}). Upload a CSV, Excel or ZIP file.",
    ),
    "err.zip": (
        "ZIP 文件 {file} 里应当只有一个 CSV/Excel 文件，实际有 {count} 个。",
        "ZIP file {file} should hold exactly one CSV/Excel file; it holds {count}.",
    ),
    "err.unreadable": ("无法读取文件 {file}：{detail}", "Could not read file {file}: {detail}"),
    "err.no_header": (
        "在文件 {file} 的前 {rows} 行里找不到表头：没有认出日期或指标列（如 统计日期、访客数、支付金额）。",
        "No header found in the first {rows} rows of {file}: no known date or metric column "
        "(such as Date, Sessions, Total sales).",
    ),
    "err.no_date": (
        "文件 {file} 没有日期列，文件名里也没有日期。请加上「日期」列，或在文件名中写明日期（如 _2026-04-20）。",
        "File {file} has no date column and no date in its name. Add a Date column or put the "
        "date in the file name (e.g. _2026-04-20).",
    ),
    "err.date_range_name": (
        "文件 {file} 没有日期列，文件名中的日期是一个区间（{start} 至 {end}），无法分到具体日期。请导出按天的数据。",
        "File {file} has no date column and its name gives a range ({start} to {end}), which "
        "cannot be split into days. Export the report by day.",
    ),
    "err.no_metric": (
        "文件 {file} 中没有可识别的指标列。已识别的列：{columns}。",
        "File {file} has no metric column we recognise. Columns recognised: {columns}.",
    ),
    "err.no_store": (
        "文件 {file} 没有店铺列，请指定店铺（命令行 --store，或上传页的店铺输入框）。",
        "File {file} has no store column: name the store (--store on the command line, or the "
        "store box on the upload page).",
    ),
    "err.no_valid_rows": (
        "文件 {file} 没有一行可用数据（{rejected} 行被跳过）。第一个问题：{first}",
        "File {file} has no usable row ({rejected} rows skipped). First problem: {first}",
    ),
    "err.no_member": (
        "客服文件 {file} 缺少客服姓名列。", "Customer-service file {file} has no agent name column."
    ),
    "err.unknown_batch": ("找不到批次 {batch}。", "No batch {batch}."),
    "err.batch_undone": ("批次 {batch} 已经撤销过了。", "Batch {batch} was already undone."),
    "err.undo_blocked": (
        "批次 {batch} 的部分数据已被后来的批次 {later} 覆盖，请先撤销 {later}。",
        "Some values of batch {batch} were overwritten by later batch {later}: undo {later} first.",
    ),
    # --- row-level problems (the row is skipped, the rest of the file can land) ---
    "row.bad_number": (
        "第 {row} 行「{column}」列的值「{value}」不是数字",
        "row {row}, column '{column}': '{value}' is not a number",
    ),
    "row.negative": (
        "第 {row} 行「{column}」列为负数（{value}）",
        "row {row}, column '{column}': negative value ({value})",
    ),
    "row.bad_date": (
        "第 {row} 行「{column}」列的日期「{value}」无法识别",
        "row {row}, column '{column}': date '{value}' not recognised",
    ),
    "row.future_date": (
        "第 {row} 行「{column}」列的日期 {value} 在未来",
        "row {row}, column '{column}': date {value} is in the future",
    ),
    "row.missing_key": (
        "第 {row} 行缺少店铺、渠道或客服名称", "row {row}: store, channel or agent name is empty"
    ),
    "row.duplicate": (
        "第 {row} 行：{key} 在文件中重复出现 {count} 次，已全部跳过",
        "row {row}: {key} appears {count} times in the file; all skipped",
    ),
    # --- outcomes ---
    "ok.ingested": (
        "{file}：读取 {read} 行，写入 {written} 行（新增 {new}，覆盖 {replaced}），跳过 {skipped} 行 → 批次 {batch}",
        "{file}: read {read} rows, wrote {written} ({new} new, {replaced} replaced), "
        "skipped {skipped} → batch {batch}",
    ),
    "ok.duplicate_upload": (
        "{file}：内容与批次 {batch} 完全相同，未做任何更改。",
        "{file}: same content as batch {batch}; nothing changed.",
    ),
    "ok.undone": (
        "已撤销批次 {batch}：恢复 {restored} 行，删除 {removed} 行。",
        "Undid batch {batch}: restored {restored} rows, removed {removed} rows.",
    ),
    "ok.demo": (
        "已生成演示数据：{rows} 行店铺日数据，{agents} 行客服数据，{stores} 个店铺。",
        "Demo data loaded: {rows} store-day rows, {agents} agent-day rows, {stores} stores.",
    ),
}


def t(key: str, lang: str = "zh", **params) -> str:
    """The text for `key` in `lang` ("zh" or "en"), with `params` filled in.

    An unknown key returns the key itself, so a missing translation is visible, not fatal.
    """
    pair = TEXT.get(key)
    if pair is None:
        return key
    template = pair[0] if lang == "zh" else pair[1]
    return template.format(**params)


@dataclass(frozen=True)
class Message:
    """A user-facing message kept as key + fields, rendered in either language on demand."""

    key: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str = "zh") -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:  # both languages, for logs and the CLI
        return f"{self.text('zh')} / {self.text('en')}"
