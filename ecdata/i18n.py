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
    "advice.start.1": (
        "绩效方案：工作成果 70% + 上级评分 20% + 同事评分 10%。",
        "Scheme: work results 70% + supervisor 20% + peers 10%.",
    ),
    "advice.start.2": (
        "用项目管理思路定月度目标：目标、工作内容、时间节点三要素（适合甘特图）。",
        "Monthly goals as a project: goal, work content, time node (a Gantt view suits).",
    ),
    "advice.start.3": (
        "工作成果尽量量化：任务完成度 + 工作质量。",
        "Quantify work results wherever possible: task completion + quality.",
    ),
    "advice.growth.1": (
        "绩效方案：以询盘任务数为核心指标，询盘成本为相关指标。",
        "Scheme: the inquiry target is the core metric, inquiry cost the related one.",
    ),
    "advice.growth.2": (
        "考核询盘任务完成度、询盘质量度、工作任务完成度、上级与同事评分。",
        "Measure inquiry task completion, inquiry quality, work task completion, supervisor and peer ratings.",
    ),
    "advice.growth.3": (
        "询盘奖金按阶梯发放；工资 = 基本工资×职级系数 + 基本工资×浮动系数×绩效系数 + 奖励 + 其他。",
        "Pay an inquiry bonus in tiers; pay = base × level + base × floating × performance coefficient + incentive + other.",
    ),
    "advice.mature.1": (
        "绩效方案：看结果与利润，以销售（利润）目标完成度为核心。",
        "Scheme: results and profit; sales (profit) target completion is the core.",
    ),
    "advice.mature.2": (
        "阶梯式提成，完成度越高提成比例越高；加工龄系数稳定团队。",
        "Tiered commission rising with attainment; a tenure factor for stability.",
    ),
    "advice.mature.3": (
        "设置配合人分成，让支持岗位也从成交中受益。",
        "A collaborator (配合人) share so supporting roles gain from a sale too.",
    ),
    "note.cost_spread": (
        "月度人力、管理成本与销售目标按天数平均分摊到每一天（月成本 ÷ 当月天数），再汇总到所选周期；"
        "按渠道查看时，每店每天的成本按各渠道询单人数占比分摊。",
        "Monthly labor and management costs and sales targets are spread evenly over the days "
        "of their month (monthly cost ÷ days in month), then summed per period; split by "
        "channel, a store-day's cost is shared by each channel's share of inquiries.",
    ),
    "err.file_not_found": ("{file}：文件不存在", "{file}: file not found"),
    "note.more_problems": ("另有 {count} 条", "{count} more"),
    "what.png": ("PNG 图片", "a PNG image"),
    "what.jpeg": ("JPEG 图片", "a JPEG image"),
    "what.gif": ("GIF 图片", "a GIF image"),
    "what.pdf": ("PDF 文档", "a PDF document"),
    "what.media": ("媒体文件", "a media file"),
    "what.gzip": ("gzip 压缩包", "a gzip archive"),
    "what.rar": ("RAR 压缩包", "a RAR archive"),
    "what.7z": ("7z 压缩包", "a 7z archive"),
    "what.binary": ("二进制数据", "binary data"),
    "what.zip": ("多层压缩包", "an archive inside an archive"),
    "tk.per_inquiry": ("{amount}/询单", "{amount} per inquiry"),
    "tk.points": ("分", "pts"),
    "err.empty": ("文件 {file} 是空的。", "File {file} is empty."),
    "err.too_large": (
        "文件 {file} 有 {size_mb:.0f} MB，超过上限 {limit_mb} MB。请按月或按店铺拆分后再上传。",
        "File {file} is {size_mb:.0f} MB, over the {limit_mb} MB limit. Split it by month or store.",
    ),
    "err.binary": (
        "文件 {file} 不是表格（看起来是{what_zh}）。请上传 CSV、Excel 或 ZIP 文件。",
        "File {file} is not a table (it looks like {what_en}). Upload a CSV, Excel or ZIP file.",
    ),
    "err.zip": (
        "ZIP 文件 {file} 里应当只有一个 CSV/Excel 文件，实际有 {count} 个。",
        "ZIP file {file} should hold exactly one CSV/Excel file; it holds {count}.",
    ),
    "err.archive_too_large": (
        "压缩文件 {file} 解压后有 {size_mb:.0f} MB，超过上限 {limit_mb:.0f} MB。请拆分后再上传。",
        "Archive {file} holds {size_mb:.0f} MB once unpacked, over the {limit_mb:.0f} MB limit. "
        "Split it and upload the parts.",
    ),
    "err.archive_lies": (
        "压缩文件 {file} 的目录与内容不符（声明的解压大小与实际不一致），可能是被篡改的文件，已拒绝。请重新从平台下载。",
        "Archive {file}: its directory does not match its contents (the sizes it declares are "
        "not what it inflates to); refused as a damaged or crafted file. Download it again.",
    ),
    "err.archive_ratio": (
        "压缩文件 {file} 解压后会膨胀 {ratio:.0f} 倍（上限 {max_ratio} 倍），不像正常的导出文件，已拒绝。",
        "Archive {file} would inflate {ratio:.0f} times (at most {max_ratio} allowed): not an "
        "export file; refused.",
    ),
    "err.decode": (
        "文件 {file} 从第 {offset} 字节起不是 {encoding} 编码的文字：文件里混用了两种编码"
        "（例如把 GBK 的内容粘进了 UTF-8 文件）。请用 Excel 或记事本统一另存为 UTF-8 后再上传。",
        "File {file} stops being {encoding} text at byte {offset}: it mixes two encodings "
        "(e.g. GBK lines pasted into a UTF-8 file). Save it again as UTF-8 and upload that.",
    ),
    "err.bad_map": (
        "--map 参数「{pair}」应写成「列名=字段」，字段为以下之一：{fields}",
        "--map '{pair}' should read COLUMN=FIELD, with FIELD one of: {fields}",
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
        "文件 {file} 没有日期列，覆盖的是一个区间（{start} 至 {end}）。客服和推广数据按天保存，区间无法分到具体日期：请导出按天的数据。（店铺和商品报表可以按区间保存。）",
        "File {file} has no date column and covers a range ({start} to {end}). "
        "Customer-service and ad figures are kept per day and a range cannot be split into "
        "days: export the report by day. (Store and product reports can be kept per period.)",
    ),
    "err.needs_period": (
        "文件 {file} 没有日期列，亚马逊业务报告的文件名是下载日期，不是数据的日期。请在上传时填写报告覆盖的日期区间（命令行：--from 日期 --to 日期）。",
        "File {file} has no date column, and an Amazon business report's name is the day it "
        "was downloaded, not the days it covers. Give the report's date range on the upload "
        "form (CLI: --from DATE --to DATE).",
    ),
    "err.bad_period": (
        "文件 {file} 的日期区间 {start} 至 {end} 不可能：开始须不晚于结束，且在 2000 年之后、明天之前。",
        "File {file}: the range {start} to {end} is not possible: it must start no later "
        "than it ends, after 2000 and before tomorrow.",
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
        "客服文件 {file} 缺少客服姓名列。",
        "Customer-service file {file} has no agent name column.",
    ),
    "err.unknown_batch": ("找不到批次 {batch}。", "No batch {batch}."),
    "err.batch_undone": ("批次 {batch} 已经撤销过了。", "Batch {batch} was already undone."),
    "err.undo_blocked": (
        "批次 {batch} 的部分数据已被后来的批次 {later} 覆盖，请先撤销 {later}。",
        "Some values of batch {batch} were overwritten by later batch {later}: undo {later} first.",
    ),
    "err.team_no_name": (
        "文件 {file} 没有姓名或工号列。",
        "File {file} has no name or employee id column.",
    ),
    "err.reporting_loop": (
        "文件 {file} 的汇报关系形成了循环：{people}。请修正「上级」列。",
        "The reporting lines in {file} go round in a loop: {people}. Fix the manager column.",
    ),
    "note.service_inquiries": (
        "询单人数 {total:,.0f} 中有 {service:,.0f} 来自客服报表（这些天没有店铺级询单数据，按客服汇总）。",
        "{service:,.0f} of {total:,.0f} inquiries come from customer-service reports (summed "
        "over agents on days with no store-level figure).",
    ),
    "note.sheets_left_out": (
        "只读取了工作表「{first}」；工作表 {sheets} 没有读取：请把它另存为单独的文件再上传。",
        "Only the sheet '{first}' was read; sheet(s) {sheets} were not: save each as a "
        "file of its own and upload it.",
    ),
    "err.skips_not_accepted": (
        "文件 {file} 有 {count} 行会被跳过（原因见上）。没有导入任何数据：确认只导入其余的行请加 --accept-skips。",
        "{count} rows of {file} would be left out (reasons above). Nothing was imported: add "
        "--accept-skips to import the other rows.",
    ),
    "err.profile": (
        "报表模板 {file} 有误：{why}。没有保存任何模板。",
        "The report profile {file} is wrong: {why}. No profile was saved.",
    ),
    "err.no_profile": (
        "没有名为「{name}」的报表模板。",
        "There is no report profile named '{name}'.",
    ),
    "ok.profile_saved": ("已保存报表模板「{name}」。", "Report profile '{name}' saved."),
    "ok.profile_removed": ("已删除报表模板「{name}」。", "Report profile '{name}' removed."),
    "note.profile": (
        "按报表模板「{zh}」读取（{id}）。",
        "Read as the report '{en}' (profile {id}).",
    ),
    "note.generic_profile": (
        "没有报表模板认识这个表头：各列按列名识别（通用模板）。请核对下面的列对应关系。",
        "No report profile knows this header: columns were recognised by their names (the "
        "generic profile). Check the column mapping below.",
    ),
    "note.columns_unread": (
        "这些列没有读取：{columns}。如需要，请在列对应关系中指定。",
        "These columns were not read: {columns}. Map them below if they matter.",
    ),
    "note.exact_duplicates": (
        "有 {count} 行与另一行完全相同（叠加下载时重复的行），只计一次。",
        "{count} rows were exact copies of another row (repeated in a stacked download) and "
        "were counted once.",
    ),
    "note.summed_into_days": (
        "这份报表每行是一天或一个周期中的一部分（一小时、一场直播、一个渠道、计划或商品），已相加；"
        "访客数相加后是访问次数，不是去重人数。",
        "Each row of this report is a part of its day or period (an hour, a live session, a "
        "channel, campaign or product): rows were summed; visitors summed that way are "
        "visits, not distinct people.",
    ),
    "err.name_control": (
        "名称「{name}」含有控制字符（不可见的终端或格式符号），请只用普通文字。文件 {file} 未导入。",
        "The name '{name}' holds control characters (invisible terminal or formatting "
        "codes); use plain text. {file} was not imported.",
    ),
    "acc.bad_name": (
        "名称不能含有控制字符（不可见的终端或格式符号）。",
        "A name cannot hold control characters (invisible terminal or formatting codes).",
    ),
    "err.rates_no_header": (
        "文件 {file} 看起来不是汇率表：需要「月份」「币种」「汇率」三列（可选「目标币种」）。",
        "File {file} does not look like an exchange-rate table: it needs month, currency and "
        "rate columns (and optionally into).",
    ),
    "err.rates_bad_month": (
        "第 {row} 行的月份「{value}」无法识别（例如 2026-10），这一行已跳过。",
        "Row {row}: month '{value}' is not a month (e.g. 2026-10); the row was skipped.",
    ),
    "err.rates_bad_currency": (
        "第 {row} 行的币种无法识别，这一行已跳过。可用：{known}。",
        "Row {row}: the currency is not one ecdata knows; the row was skipped. Known: {known}.",
    ),
    "err.rates_bad_rate": (
        "第 {row} 行的汇率「{value}」不是正数，这一行已跳过。",
        "Row {row}: rate '{value}' is not a positive number; the row was skipped.",
    ),
    "err.rates_none": (
        "文件 {file} 中没有可用的汇率行，未保存任何内容。",
        "File {file} holds no usable rate row; nothing was stored.",
    ),
    "up.undo_confirm": (
        "确定撤销批次 {batch}（{file}）吗？将删除它写入的 {rows} 行，店铺：{stores}，日期：{dates}；"
        "被它覆盖的旧数据会恢复。",
        "Undo batch {batch} ({file})? It removes the {rows} rows it wrote, stores: {stores}, "
        "dates: {dates}; the rows it replaced come back.",
    ),
    "ok.reapplied": (
        "已重新应用批次 {batch}，成为新批次 {new}（可再次撤销）。",
        "Batch {batch} re-applied as batch {new} (undoable like any).",
    ),
    "err.batch_active": (
        "批次 {batch} 没有被撤销，无需重新应用。",
        "Batch {batch} is not undone: nothing to re-apply.",
    ),
    "err.nothing_to_reapply": (
        "批次 {batch} 已经重新应用过（或撤销于保留数据之前），没有可重新应用的内容。",
        "Batch {batch} was re-applied already (or undone before undone rows were kept): "
        "nothing to re-apply.",
    ),
    "up.reapply": ("重新应用批次 {batch}", "Re-apply batch {batch}"),
    "up.reapply_pick": ("已撤销的批次", "Undone batches"),
    "up.undo_yes": ("确定撤销批次 {batch}", "Yes, undo batch {batch}"),
    "up.undo_no": ("取消", "Cancel"),
    "up.rates": ("汇率", "Exchange rates"),
    "up.rates_help": (
        "不同币种的店铺合计时，金额按这里各月的汇率折算为报告币种（1 个币种 = 汇率 × 目标币种）。"
        "也可以上传含「月份、币种、汇率」三列的表格。保存即为一个可撤销的批次。",
        "Stores in different currencies are totalled in the reporting currency at these "
        "monthly rates (1 currency = rate x into). A table with month, currency and rate "
        "columns can be uploaded too. Each save is an undoable batch.",
    ),
    "up.reporting_currency": ("报告币种", "Reporting currency"),
    "up.rates_typed": ("页面输入的汇率", "rates typed on the Upload page"),
    "up.rates_month": ("月份", "Month"),
    "up.rates_into": ("折算为", "Into"),
    "up.rates_rate": ("汇率", "Rate"),
    "up.rates_save": ("保存汇率", "Save rates"),
    "kind.rates": ("汇率表", "exchange rates"),
    "kind.plan": ("工作计划（任务表）", "work plan (task list)"),
    "ok.rates": (
        "{file}：已保存 {rows} 条汇率（批次 {batch}，可撤销）。",
        "{file}: {rows} exchange rates stored (batch {batch}, undoable).",
    ),
    "err.unknown_currency": (
        "不认识的币种「{value}」：请用 CNY、USD、GBP、EUR、HKD、TWD、INR、AUD 或 CAD。",
        "Unknown currency '{value}': use CNY, USD, GBP, EUR, HKD, TWD, INR, AUD or CAD.",
    ),
    "note.money_in": ("金额单位：{code}", "Money in {code}"),
    "note.converted": (
        "合计已折算为 {into}：{rates}。",
        "Totals are converted into {into}: {rates}.",
    ),
    "note.converted_rate": (
        "按 {month} 汇率 {rate} 折算 {code}",
        "{code} at {month}'s rate {rate}",
    ),
    "warn.rate_missing": (
        "缺少汇率：{missing}。这些月份的金额没有计入合计（金额显示为空），请在「上传数据 → 汇率」中补充。",
        "Missing exchange rates: {missing}. Money of those months is left out of the totals "
        "(shown empty); add the rates under Upload → Exchange rates.",
    ),
    "acc.company_wide": (
        "你的账号只限部分店铺，不能修改适用于全公司的内容（设置、汇率、全公司的备注和行动项）。没有任何数据被改动。",
        "Your account is limited to some stores: it cannot change what holds for every store "
        "(settings, exchange rates, company-wide notes and action items). Nothing was changed.",
    ),
    "acc.store_not_granted": (
        "你的账号只能修改授权给你的店铺，不能写入：{stores}。没有任何数据被改动。",
        "Your account may change only the stores granted to it, not: {stores}. Nothing was "
        "changed.",
    ),
    "warn.cost_part_missing": (
        "{stores} 的询盘成本未包含{part_zh}（没有上传），这些店铺的询盘成本偏低。",
        "Inquiry cost of {stores} leaves out {part_en} (not uploaded), so it reads lower "
        "than their full cost.",
    ),
    "note.partial_range": (
        "所选时间到 {end} 为止，但数据只到 {last}：这段时间还在进行中，合计会比完整的对比期偏小。",
        "The range runs to {end} but the data ends on {last}: the period is still in "
        "progress, so its totals read lower than a complete period's.",
    ),
    "chart.in_progress": (
        "进行中（数据未到周期末）",
        "in progress (data ends before the period does)",
    ),
    "meet.covered_target": ("{target}（所覆盖的天）", "{target} (days covered)"),
    "card.coverage": ("覆盖 {covered}/{total} 天", "covers {covered}/{total} days"),
    "note.coverage_days": (
        "{what_zh} 只覆盖 {covered}/{total} 天：其余天缺少计算所需的数据（如询单数），不计入分子和分母。",
        "{what_en}: covers {covered} of {total} days; the other days lack a part it needs "
        "(such as inquiries) and count in neither its numerator nor its denominator.",
    ),
    "note.coverage_store_days": (
        "{what_zh} 只覆盖 {covered}/{total} 个店铺日：其余店铺日缺少计算所需的数据，不计入分子和分母。",
        "{what_en}: covers {covered} of {total} store-days; the others lack a part it needs "
        "and count in neither its numerator nor its denominator.",
    ),
    "warn.spend_breakdown": (
        "店铺报表的推广费 {stated:,.2f} 与广告报表明细合计 {breakdown:,.2f} 相差 {diff:+.1%}："
        "合计按店铺报表计算，广告报表只作明细，不重复计入。",
        "The store files' promotion spend {stated:,.2f} and the ad reports' breakdown of it "
        "{breakdown:,.2f} differ by {diff:+.1%}: totals use the store files; the ad reports "
        "are a breakdown and are not added.",
    ),
    "warn.unknown_manager": (
        "第 {row} 行：{name} 的上级「{manager}」不在花名册中",
        "row {row}: {name}'s manager '{manager}' is not on the roster",
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
    "plan.title": ("{month} 工作计划", "Work plan, {month}"),
    "plan.none": (
        "{month} 还没有工作计划：在下面添加任务，或上传任务工具（Asana、Trello、Teambition）的导出或自己的任务表。",
        "No work plan for {month} yet: add tasks below, or upload an export of your task tool "
        "(Asana, Trello, Teambition) or your own task sheet.",
    ),
    "plan.person": ("看谁的计划", "Whose plan"),
    "plan.everyone": ("全体", "Everyone"),
    "plan.undated_done": (
        "{count} 项已完成的任务没有完成日期（如 Trello 的完成列表），按按时完成计。",
        "{count} done tasks have no done date (a Trello Done list, say): counted as done in time.",
    ),
    "plan.edit": ("编辑 {month} 的任务", "Edit the tasks of {month}"),
    "plan.col.person": ("负责人（工号）", "Person (id)"),
    "plan.col.task": ("工作内容", "Work content"),
    "plan.col.goal": ("目标", "Goal"),
    "plan.col.start": ("开始", "Start"),
    "plan.col.deadline": ("时间节点（截止）", "Deadline"),
    "plan.col.status": ("状态", "Status"),
    "plan.col.done_on": ("完成日期", "Done on"),
    "plan.col.quality": ("质量（0-100）", "Quality (0-100)"),
    "tk.late_credit": ("逾期完成的任务计（0-1）", "A late task counts (0-1)"),
    "tk.from_plan": ("计划", "plan"),
    "tk.from_typed": ("手填", "typed"),
    "tk.plan_rule": (
        "初期的工作成果读工作计划：任务完成度 = 当月按截止日期完成的任务 ÷ 当月任务（逾期完成的每项计 {credit:g}）；"
        "工作质量 = 已完成任务的质量平均分。评分表里手填的数值优先。",
        "Start-stage work results read the work plan: task completion = the month's tasks done "
        "by their deadline ÷ the month's tasks (a late one counts {credit:g}); work quality = "
        "the mean quality of the done tasks. A value typed in the ratings wins.",
    ),
    "plan.done_on_time": ("按时完成", "Done in time"),
    "plan.done_late": ("逾期完成", "Done late"),
    "plan.open": ("进行中", "Open"),
    "plan.overdue": ("已逾期", "Overdue"),
    "plan.today": ("今天", "Today"),
    "plan.action": ("例会行动项", "Meeting action"),
    "row.unknown_person": (
        "第 {row} 行：负责人「{value}」不在花名册上，这个任务没有导入（先在花名册里加上这个人）。",
        "Row {row}: '{value}' is not on the roster, so the task was not imported (add the "
        "person to the roster first).",
    ),
    "row.no_deadline": (
        "第 {row} 行：任务既没有截止日期也没有开始日期，无法归到某个月。",
        "Row {row}: the task has neither a deadline nor a start date, so it belongs to no month.",
    ),
    "err.plan_row": (
        "第 {row} 行缺少负责人、任务或截止日期：没有保存。",
        "Row {row} lacks a person, a task or a deadline: nothing was saved.",
    ),
    "row.bad_date": (
        "第 {row} 行「{column}」列的日期「{value}」无法识别",
        "row {row}, column '{column}': date '{value}' not recognised",
    ),
    "row.future_date": (
        "第 {row} 行「{column}」列的日期 {value} 在未来",
        "row {row}, column '{column}': date {value} is in the future",
    ),
    "row.bad_count": (
        "第 {row} 行「{column}」列的值「{value}」不是合理的人数/次数（应为小于 10¹² 的整数）",
        "row {row}, column '{column}': '{value}' is not a plausible count "
        "(a whole number below 10^12)",
    ),
    "row.bad_money": (
        "第 {row} 行「{column}」列的金额「{value}」不合理（应为小于 10¹³ 的有限数）",
        "row {row}, column '{column}': amount '{value}' is not plausible "
        "(a finite number below 10^13)",
    ),
    "row.bad_rate": (
        "第 {row} 行「{column}」列的比率「{value}」不在 0–100% 之间",
        "row {row}, column '{column}': rate '{value}' is not between 0 and 100%",
    ),
    "row.bad_duration": (
        "第 {row} 行「{column}」列的时长「{value}」不合理（应短于一天）",
        "row {row}, column '{column}': duration '{value}' is not plausible (under a day)",
    ),
    "row.old_date": (
        "第 {row} 行「{column}」列的日期 {value} 早于 2000 年",
        "row {row}, column '{column}': date {value} is before 2000",
    ),
    "row.missing_key": (
        "第 {row} 行缺少店铺、渠道或客服名称",
        "row {row}: store, channel or agent name is empty",
    ),
    "row.same_name": (
        "第 {row} 行：同一店铺有两位「{value}」且没有工号区分，已跳过",
        "row {row}: two people called '{value}' in one store and no employee id; skipped",
    ),
    "row.out_of_range": (
        "第 {row} 行「{column}」列的值 {value} 超出允许范围",
        "row {row}, column '{column}': {value} is out of the allowed range",
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
    # --- dashboard ---
    "app.title": ("ecdata 电商团队看板", "ecdata · e-commerce team dashboard"),
    "nav.review": ("周会复盘", "Review"),
    "nav.analyse": ("分析", "Analyse"),
    "nav.data": ("数据", "Data"),
    "page.overview": ("周会总览", "Weekly review"),
    "page.inquiry_cost": ("询盘成本", "Inquiry cost"),
    "page.explore": ("自助分析", "Explore"),
    "page.upload": ("上传数据", "Upload"),
    "filter.language": ("语言 / Language", "语言 / Language"),
    "filter.stores": ("店铺", "Stores"),
    "filter.channels": ("渠道", "Channels"),
    "filter.all": ("全部", "All"),
    "filter.mixed_currency": (
        "所选店铺的币种不同（{symbols}）：金额按各月汇率折算为 {into} 后合计；缺少汇率的月份金额留空。"
        "汇率在「上传数据 → 汇率」中设置。",
        "The stores in view use different currencies ({symbols}): money is totalled in "
        "{into}, converted at each month's rate; a month without a rate leaves money empty. "
        "Set rates under Upload → Exchange rates.",
    ),
    "filter.period": ("时间范围", "Date range"),
    "filter.custom": ("自定义日期", "Custom dates"),
    "filter.grain": ("时间粒度", "Grain"),
    "filter.compare": ("对比", "Compare with"),
    "preset.this_week": ("本周", "This week"),
    "preset.last_week": ("上周", "Last week"),
    "preset.last_4_weeks": ("近 4 周", "Last 4 weeks"),
    "preset.last_13_weeks": ("近 13 周", "Last 13 weeks"),
    "preset.last_52_weeks": ("近 52 周", "Last 52 weeks"),
    "preset.month_to_date": ("本月至今", "Month to date"),
    "preset.custom": ("自定义", "Custom"),
    "grain.day": ("日", "Day"),
    "grain.week": ("周", "Week"),
    "grain.month": ("月", "Month"),
    "compare.previous": ("上一周期", "Previous period"),
    "compare.last_year": ("去年同期", "Same period last year"),
    "compare.target": ("目标", "Target"),
    "note.range": (
        "{first} 至 {last}（对比 {ref}）。预设范围以最新数据日期 {latest} 为准。",
        "{first} to {last} (vs {ref}). Presets end at the latest day with data, {latest}.",
    ),
    "note.range_target": (
        "{first} 至 {last}（对比目标）。预设范围以最新数据日期 {latest} 为准。",
        "{first} to {last} (vs target). Presets end at the latest day with data, {latest}.",
    ),
    "empty.no_data_in_scope": (
        "所选的店铺和渠道还没有店铺日数据（访客、销售额等）。在「上传数据」页为它们上传店铺文件（如生意参谋「店铺整体」、京东商智、抖店），或在左侧换个店铺。",
        "The chosen stores and channels have no store figures yet (visitors, sales …). Upload "
        "their store files on the Upload page (Business Advisor store overview, JD, Douyin), "
        "or choose other stores on the left.",
    ),
    "ok.demo_removed": (
        "演示数据已移除（撤销了 {batches} 个演示批次，可在上传记录中看到）。现在可以上传自己的文件。",
        "Demo data removed ({batches} demo batches undone; the upload history shows them). "
        "Upload your own files now.",
    ),
    "demo.banner": (
        "**演示数据**：这里显示的是一家示例公司的数据，不是你的店铺。",
        "**Demo data**: what you see is a sample company, not your stores.",
    ),
    "demo.remove": ("移除演示数据，用我自己的数据", "Remove the demo and start with my data"),
    "demo.load": ("先看看演示公司", "Try it on the demo company first"),
    "empty.no_data": (
        "还没有数据。请在「上传数据」页上传平台导出的文件（生意参谋、京东商智、抖店、Shopify……），"
        "或先载入演示公司看看（之后一键移除）。",
        "No data yet. Upload the files your platforms export (Business Advisor, JD, Douyin, "
        "Shopify …) on the Upload page, or try the demo company first (removed in one click "
        "later).",
    ),
    "empty.no_rows": (
        "所选范围内没有数据，请放宽筛选条件。",
        "Nothing in this range: widen the filters.",
    ),
    "ov.cards": ("核心指标", "Key numbers"),
    "ov.funnel": ("转化漏斗", "Funnel"),
    "ov.movers": ("变化最大", "Biggest movers"),
    "ov.movers_metric": ("按指标", "By metric"),
    "ov.flags": ("需要关注", "Needs attention"),
    "ov.no_moves": (
        "本期没有超过阈值的波动。尚未上传销售目标或目标询盘成本，所以无法判断是否达标。",
        "Nothing moved beyond the threshold. No sales target or target inquiry cost has been "
        "uploaded, so whether targets were met cannot be told.",
    ),
    "ov.funnel_traffic": ("访客 → 支付买家", "Visitors → buyers"),
    "ov.funnel_inquiry": ("询单 → 询单成交", "Inquiries → closed inquiries"),
    "ov.no_flags": (
        "本期没有未达目标或异常波动的周。",
        "No week missed a target or moved beyond the threshold.",
    ),
    "ov.threshold": ("波动提醒阈值（环比）", "Flag week-on-week moves beyond"),
    "ov.not_final": (
        "注意：{days} 的数据尚未最终确定（平台 T+1 延迟统计），数字之后还会变。",
        "Note: {days} still hold placeholder numbers (T+1 delayed); they will change.",
    ),
    "ov.formulas": ("指标公式", "How each number is computed"),
    "ov.trend_note": (
        "小图：最近 12 周每周数值。颜色：绿色为向好，红色为变差（成本上升为变差）。",
        "Sparklines: the last 12 weeks. Green is better, red is worse (a rising cost is worse).",
    ),
    "flag.target": ("未达目标", "Missed target"),
    "flag.move": ("波动超过阈值", "Moved beyond threshold"),
    "col.period": ("周期", "Period"),
    "col.date": ("日期", "Date"),
    "col.date_to": ("截止日期", "Last day"),
    "col.member": ("客服", "Agent"),
    "col.not_final": ("数据未定稿", "Not final yet"),
    "word.yes": ("是", "yes"),
    "col.store": ("店铺", "Store"),
    "col.channel": ("渠道", "Channel"),
    "col.product_id": ("商品 ID", "Product ID"),
    "col.before": ("现有值", "Now"),
    "col.after": ("导入后", "After import"),
    "up.overwrites": (
        "这个文件会改写已有的数据（来自 {files}）：请核对下面每个指标导入前后的合计，确认后再导入。",
        "This file would change values already stored (from {files}): check each metric's "
        "total before and after, and confirm before importing.",
    ),
    "up.pick_header_hint": (
        "没有认出这个文件的表头。下面是文件的前 30 行：填写表头所在的行号，再在下方为每一列选择字段（会记住这种格式）。",
        "This file's header was not recognised. Below are its first 30 rows: enter the row "
        "the header is on, then choose a field for each column (the layout is remembered).",
    ),
    "up.accept_skips": (
        "导入其余的行，跳过上面列出的 {count} 行",
        "Import the other rows, leaving out the {count} listed above",
    ),
    "up.confirm_replace": ("确认用这个文件的数据替换", "Replace them with this file's values"),
    "col.product_name": ("商品名称", "Product"),
    "col.metric": ("指标", "Metric"),
    "col.value": ("数值", "Value"),
    "col.reference": ("对比值", "Compared with"),
    "col.kind": ("类型", "Kind"),
    "col.current": ("本期", "Current"),
    "col.previous": ("对比期", "Previous"),
    "col.change": ("变化", "Change"),
    "col.formula": ("公式", "Formula"),
    "up.intro": (
        "拖入平台导出的原始文件即可，无需整理：自动识别格式、编码、表头和合计行。",
        "Drop the files as the platforms exported them: format, encoding, header row "
        "and total rows are recognised for you.",
    ),
    "up.files": (
        "导出文件（CSV、XLSX、XLS、ZIP，可多选）",
        "Export files (CSV, XLSX, XLS, ZIP; several at once)",
    ),
    "up.store": (
        "店铺名称（文件没有店铺列时使用）",
        "Store name (for files without a store column)",
    ),
    "up.reading": ("正在读取 {file} …", "Reading {file} …"),
    "up.detected": ("识别结果", "Detected"),
    "up.platform": ("平台", "Platform"),
    "up.kind": ("数据类型", "Kind"),
    "up.encoding": ("编码", "Encoding"),
    "up.period": ("文件覆盖的日期（开始 – 结束）", "Days this file covers (first – last)"),
    "up.period_help": (
        "没有日期列的报表（如亚马逊业务报告、按周导出的商品报表）：选择它统计的第一天和最后一天。只有一天就选同一天。",
        "For a report without a date column (an Amazon business report, a product report "
        "exported for a week): pick the first and the last day it counts. One day: pick it twice.",
    ),
    "up.undo_pick": ("要撤销的批次", "Batch to undo"),
    "up.store_placeholder": ("选择店铺", "Pick a store"),
    "up.store_pick": ("店铺（文件没有店铺列时使用）", "Store (for files without a store column)"),
    "up.new_store": ("➕ 新店铺…", "➕ New store…"),
    "up.file_store": ("这个文件属于的店铺", "Store of this file"),
    "up.stores": ("店铺", "Stores"),
    "up.no_stores": (
        "还没有店铺：上传第一个文件时填写店铺名。",
        "No stores yet: name one with your first upload.",
    ),
    "up.rename_from": ("店铺", "Store"),
    "up.rename_to": ("改名为 / 合并到", "Rename to / merge into"),
    "up.rename_placeholder": (
        "输入新名字，或选择要合并到的店铺",
        "Type a new name, or pick a store to merge into",
    ),
    "up.rename": ("改名", "Rename"),
    "up.merge": ("合并", "Merge"),
    "up.rename_help": (
        "改名或合并会作为一个批次记录，可在下方撤销。合并时，同一天同一渠道两边都有的数，以目标店铺的为准，只补上它缺的指标。",
        "A rename or merge is recorded as a batch and can be undone below. When merging, for a "
        "day and channel both stores have, the target store's figures stay; only the metrics it "
        "lacks are filled in.",
    ),
    "up.renamed": (
        "已把 {old} 改为 {new}（批次 {batch}）。",
        "Renamed {old} to {new} (batch {batch}).",
    ),
    "col.currency": ("币种", "Currency"),
    "col.source": ("来源", "Source"),
    "source.service": (
        "客服报表（按客服汇总的询单）",
        "Service reports (inquiries summed over agents)",
    ),
    "ex.sheet_rows": ("明细行", "Rows"),
    "up.currency_store": ("设定币种的店铺", "Store whose currency to set"),
    "up.currency_set": ("设定币种", "Set currency"),
    "col.first_day": ("最早日期", "First day"),
    "col.last_day": ("最近日期", "Last day"),
    "up.ignore": ("（不导入：去年同期、变化率等）", "(not imported: last year's, a change, …)"),
    "up.profile_save": ("把这个表头存为报表模板", "Save this layout as a report profile"),
    "up.profile_name": ("模板名称", "Profile name"),
    "up.profile_total": (
        "合计行：第一格以这些字开头的行是合计，不导入（如 小计）",
        "Total rows: a row whose first cell starts with this totals the others (e.g. Total)",
    ),
    "up.profile_parts": (
        "每行是一天中的一部分（按小时、按场次）：按天相加",
        "Each row is a part of a day (an hour, a session): sum rows per day",
    ),
    "up.profile_negated": (
        "写成负数的金额列（如退款）：导入时取正",
        "Money columns written as negative amounts (returns): stored as positive",
    ),
    "up.profile_netted": (
        "已扣除退款的金额列：某天可以是负数",
        "Money columns that net returns: a day may be negative",
    ),
    "up.profile_button": ("保存模板", "Save profile"),
    "up.choose": ("请选择", "Choose"),
    "up.profile_saved": (
        "已保存报表模板「{name}」：以后同样表头的文件会自动按它读取。",
        "Report profile '{name}' saved: files with this header are read by it from now on.",
    ),
    "up.profile_refused": ("模板没有保存：{why}", "The profile was not saved: {why}"),
    "up.browse": ("选择文件", "Browse files"),
    "up.limit": ("可拖放到这里，每个文件不超过 {mb:.0f}MB", "Drop here, up to {mb:.0f}MB per file"),
    "up.header_row": ("表头所在行", "Header row"),
    "up.dates": ("日期范围", "Dates"),
    "up.rows": ("行数", "Rows"),
    "up.mapping": (
        "列映射（可修改，修改后会记住）",
        "Column mapping (editable; remembered for this file layout)",
    ),
    "up.column": ("文件中的列", "Column in file"),
    "up.field": ("对应指标", "Maps to"),
    "up.preview": (
        "将新增 {new} 行、覆盖 {replaced} 行，跳过 {skipped} 行。",
        "Will add {new} rows, replace {replaced}, skip {skipped}.",
    ),
    "up.problems": ("被跳过的行及原因", "Rows skipped and why"),
    "up.commit": ("确认导入 {file}", "Import {file}"),
    "up.committed": ("已导入", "Imported"),
    "up.history": ("导入记录", "Upload history"),
    "up.undo": ("撤销批次 {batch}", "Undo batch {batch}"),
    "batch.batch_id": ("批次", "Batch"),
    "table.store_daily": ("店铺数据", "Store figures"),
    "table.agent_daily": ("客服数据", "Customer service"),
    "table.store_monthly": ("月度成本与目标", "Monthly costs and targets"),
    "table.product_facts": ("商品数据", "Products"),
    "table.store_periods": ("店铺区间数据", "Store periods"),
    "table.roster": ("花名册", "Roster"),
    "table.ratings": ("月度评分", "Monthly ratings"),
    "table.plan_tasks": ("工作计划", "Work plan"),
    "table.*": ("所有含店铺的数据", "Every table with a store"),
    "batch.file_name": ("文件", "File"),
    "batch.kind": ("类型", "Kind"),
    "batch.platform": ("平台", "Platform"),
    "batch.target_table": ("数据表", "Table"),
    "batch.store_param": ("指定店铺", "Store given"),
    "batch.rows_read": ("读取行", "Rows read"),
    "batch.rows_written": ("写入行", "Written"),
    "batch.rows_new": ("新增", "New"),
    "batch.rows_replaced": ("覆盖", "Replaced"),
    "batch.rows_rejected": ("跳过", "Skipped"),
    "batch.date_min": ("起始日期", "From"),
    "batch.date_max": ("截止日期", "To"),
    "batch.created_at": ("导入时间", "Imported at"),
    "batch.undone_at": ("撤销时间", "Undone at"),
    "kind.roster": ("花名册", "Roster"),
    "kind.ratings": ("月度评分", "Monthly ratings"),
    "kind.roster_pay": ("花名册薪酬→人力成本", "Roster pay as labor cost"),
    "up.samples": ("没有文件？下载示例文件试一试", "No file at hand? Try a sample"),
    "up.not_final": ("这些日期的数据尚未最终确定：{days}", "Not final yet: {days}"),
    "kind.store": ("店铺日数据", "Store daily"),
    "kind.product": ("商品数据", "Product report"),
    "note.periods_daily": (
        "未计入的店铺区间报表：{periods}。这些日期已有按天数据，以按天数据为准。",
        "Store period reports not counted: {periods}. Daily rows cover these days and win.",
    ),
    "note.periods_range": (
        "未计入的店铺区间报表：{periods}。报表区间超出所选日期，区间数据无法拆分到天。",
        "Store period reports not counted: {periods}. They reach outside the chosen dates, and "
        "a period's figures cannot be split into days.",
    ),
    "note.periods_grain": (
        "图表中未计入的店铺区间报表：{periods}。报表区间跨越了图表的一个周期（天/周/月），无法拆分；总数中已计入。",
        "Store period reports not in this chart: {periods}. Each crosses one of the chart's "
        "periods (day, week, month) and cannot be split; the totals count it.",
    ),
    "meet.present": ("▶ 例会演示", "▶ Present"),
    "meet.title": ("周例会", "Weekly meeting"),
    "meet.targets": ("目标完成情况", "Targets"),
    "meet.equation": ("销售额公式", "The sales equation"),
    "meet.inquiry_cost": ("询盘成本 · 近 13 周", "Inquiry cost · 13 weeks"),
    "meet.lagging": ("谁在落后", "What lags"),
    "meet.team": ("团队", "The team"),
    "meet.plan": ("本月工作计划", "This month's work plan"),
    "meet.actions": ("行动项", "Action items"),
    "meet.prev": ("◀ 上一页", "◀ Previous"),
    "meet.next": ("下一页 ▶", "Next ▶"),
    "meet.exit": ("✕ 退出演示", "✕ Exit"),
    "meet.keys": (
        "← → 方向键或翻页笔的上/下页键切换，Esc 退出。",
        "Arrow keys or a clicker's page keys step through; Esc exits.",
    ),
    "meet.no_target": ("未设定目标", "No target set"),
    "meet.completion": ("完成度", "Completion"),
    "meet.met": ("达成", "met"),
    "meet.missed": ("未达成", "missed"),
    "meet.no_moves": ("没有可比较的数据", "nothing to compare"),
    "meet.lag_stores": ("店铺 · 支付金额变化", "Stores · change in sales"),
    "meet.lag_channels": ("渠道 · 支付金额变化", "Channels · change in sales"),
    "meet.lag_products": ("商品 · 支付金额变化", "Products · change in sales"),
    "meet.lag_agents": ("客服 · 询单成交人数变化", "Agents · change in closed inquiries"),
    "meet.team_scores": ("{month} 绩效得分（{stage}方案）", "Scores of {month} ({stage} scheme)"),
    "meet.no_scores": (
        "还没有评分数据：在团队绩效页上传月度评分。",
        "No ratings yet: upload monthly ratings on the Team KPIs page.",
    ),
    "meet.settings": ("例会设置", "Meeting settings"),
    "meet.agenda": ("议程（按选择的顺序）", "Agenda (in the order chosen)"),
    "meet.people": ("共享屏幕上的人名", "People on the shared screen"),
    "people.name": ("显示姓名", "By name"),
    "people.initials": ("只显示姓/首字母", "By initials"),
    "meet.save": ("保存例会设置", "Save meeting settings"),
    "meet.undo": ("撤销上一次设置更改", "Undo the last settings change"),
    "meet.saved": ("例会设置已保存。", "Meeting settings saved."),
    "meet.undone": ("已撤销上一次设置更改。", "The last settings change was undone."),
    "meet.no_undo": ("没有可撤销的设置更改。", "No settings change to undo."),
    "meet.empty_agenda": ("议程至少要有一项。", "The agenda needs at least one screen."),
    "act.what": ("做什么", "What"),
    "act.owner": ("负责人", "Owner"),
    "act.due": ("截止周", "Due week"),
    "act.metric": ("要改善的指标（可选）", "Metric it should move (optional)"),
    "act.add": ("添加行动项", "Add an action item"),
    "act.done": ("完成", "Done"),
    "act.none": ("本周没有行动项。", "No action items this week."),
    "act.carried": ("自 {week} 延续", "carried from {week}"),
    "act.due_in": ("截止 {week}", "due {week}"),
    "act.done_in": ("{week} 完成", "done in {week}"),
    "act.then": ("添加时 {value}", "{value} when added"),
    "act.at_done": ("完成时 {value}", "{value} when done"),
    "act.now": ("本周 {value}", "{value} this week"),
    "act.added": ("行动项已添加。", "Action item added."),
    "act.empty": ("请写明要做什么。", "Say what is to be done."),
    "act.nobody": ("（未指定）", "(nobody yet)"),
    "act.no_metric": ("（无）", "(none)"),
    "col.target": ("目标", "Target"),
    "col.verdict": ("结果", "Result"),
    "rep.title": ("周例会报告 {week}", "Weekly report {week}"),
    "rep.notes": ("时间轴备注", "Timeline notes"),
    "rep.no_data": (
        "还没有店铺数据，无法生成周报。",
        "No store data yet: there is no week to report.",
    ),
    "rep.no_chromium": (
        "生成 PDF/PNG 需要 Chromium 浏览器：请运行 apt-get install chromium（或设置 ECDATA_CHROMIUM 为其路径）。",
        "Making a PDF or PNG needs the Chromium browser: run apt-get install chromium (or set "
        "ECDATA_CHROMIUM to its path).",
    ),
    "rep.saved": (
        "周报已生成：{file}（{seconds:.1f} 秒）",
        "Report written: {file} ({seconds:.1f} s)",
    ),
    "rep.make": ("生成本周周报", "Make this week's report"),
    "rep.download_pdf": ("下载 PDF（A4）", "Download PDF (A4)"),
    "rep.download_png": ("下载长图 PNG（发群）", "Download long PNG (for the group chat)"),
    "rep.bad_week": (
        "无法识别的周：{week}（示例：2026-W47 或 2026-11-16）",
        "Not a week: {week} (e.g. 2026-W47 or 2026-11-16)",
    ),
    "tk.save_schemes": ("保存方案设置", "Save scheme settings"),
    "tk.undo_schemes": ("撤销上一次方案更改", "Undo the last scheme change"),
    "tk.schemes_saved": (
        "方案设置已保存，所有页面和例会按此计算。",
        "Scheme settings saved: every page and the meeting use them.",
    ),
    "tk.schemes_undone": ("已撤销上一次方案更改。", "The last scheme change was undone."),
    "tk.schemes_unsaved": (
        "有未保存的修改：本页已按修改计算，保存后才会长期有效。",
        "Unsaved changes: this page uses them; save to keep them.",
    ),
    "dg.thresholds_edit": ("修改阶段阈值", "Edit the stage thresholds"),
    "dg.thresholds_save": ("保存阈值", "Save thresholds"),
    "dg.thresholds_saved": (
        "阈值已保存，诊断按新阈值计算。",
        "Thresholds saved: the diagnosis uses them.",
    ),
    "dg.thresholds_undone": ("已撤销上一次阈值更改。", "The last threshold change was undone."),
    "th.start_max_headcount": ("初期最多人数", "Start stage: at most (people)"),
    "th.growth_min_age_months": ("进入成长期的最短月数", "Growth from (months old)"),
    "th.specialised_min_roles": ("分工明确的最少岗位数", "Specialised from (roles)"),
    "th.tracked_min_months": ("询盘任务跟踪的最少月数", "Inquiry targets tracked from (months)"),
    "th.stable_max_variation": (
        "询盘成本稳定的最大变异系数",
        "Stable inquiry cost: variation at most",
    ),
    "th.mature_min_attained_months": (
        "成熟期：达成销售目标的最少月数",
        "Mature: months at the sales target, at least",
    ),
    "err.undo_not_yours": (
        "批次 {batch} 不是你上传的：经理只能撤销自己的上传，请联系店主。",
        "Batch {batch} was not uploaded by you: a manager undoes only their own uploads; ask "
        "the owner.",
    ),
    "err.db_locked": (
        "数据库 {db} 正被另一个程序（通常是正在运行的仪表盘）使用，命令行无法同时打开。请在仪表盘的上传页操作，或先停止仪表盘再运行命令。",
        "The database {db} is open in another program (usually the running dashboard), so the "
        "command line cannot open it too. Use the dashboard's Upload page, or stop the "
        "dashboard and run the command again.",
    ),
    "err.lake_packages": (
        "DuckLake 需要 duckdb 1.5.x 及其扩展包（当前 duckdb {version}）：pip install -r requirements-ducklake.txt",
        "DuckLake needs duckdb 1.5.x with its extension packages (this is duckdb {version}): "
        "pip install -r requirements-ducklake.txt",
    ),
    "err.lake_data_path": (
        "使用 DuckLake 时请用 ECDATA_DATA_PATH 指定所有进程都能访问的数据文件夹。",
        "With DuckLake, set ECDATA_DATA_PATH to a folder every app process can reach.",
    ),
    "err.lake_connect": (
        "无法连接 DuckLake 的 PostgreSQL 目录：{error}",
        "Cannot reach DuckLake's PostgreSQL catalog: {error}",
    ),
    "ok.backup": (
        "已备份到 {folder}（{batches} 个批次）。",
        "Backed up to {folder} ({batches} batches).",
    ),
    "ok.restored": ("已从 {folder} 恢复到 {db}。", "Restored {folder} into {db}."),
    "err.backup_exists": (
        "{folder} 里已有备份：请换一个空文件夹。",
        "{folder} holds a backup already: choose an empty folder.",
    ),
    "err.not_a_backup": (
        "{folder} 不是 ecdata 的备份（缺少 schema.sql/load.sql 或版本更新）。",
        "{folder} is not an ecdata backup (no schema.sql/load.sql, or from a newer version).",
    ),
    "err.restore_target_exists": (
        "{target} 已有数据：恢复只写入新的文件或空的 DuckLake。",
        "{target} holds data already: a restore writes only into a new file or an empty DuckLake.",
    ),
    "acc.bad_role": ("未知角色 {role}（可选：{roles}）", "Unknown role {role} (one of: {roles})"),
    "acc.short_password": ("密码至少 {n} 个字符。", "A password has at least {n} characters."),
    "acc.no_name": ("请填写用户名。", "A user needs a name."),
    "acc.exists": ("用户 {name} 已存在。", "User {name} exists already."),
    "acc.unknown": ("没有用户 {name}。", "No user {name}."),
    "acc.bad_login": ("用户名或密码不对。", "Wrong name or password."),
    "acc.locked": (
        "连续输错太多次，账号已锁定 {minutes} 分钟。",
        "Too many wrong passwords in a row: the account is locked for {minutes} minutes.",
    ),
    "acc.sign_in": ("登录", "Sign in"),
    "acc.company_sign_in": ("用公司账号登录", "Sign in with your company account"),
    "acc.no_account_for": (
        "{email} 还没有 ecdata 账号：请店主运行 python -m ecdata user add {email} --role …",
        "{email} has no ecdata account yet: the owner adds it with python -m ecdata user add "
        "{email} --role …",
    ),
    "acc.name": ("用户名", "Name"),
    "acc.password": ("密码", "Password"),
    "acc.signed_in": ("已登录：{name}（{role}）", "Signed in: {name} ({role})"),
    "acc.sign_out": ("退出登录", "Sign out"),
    "acc.expired": ("登录已过期，请重新登录。", "Your session expired: sign in again."),
    "acc.read_only": (
        "你的账号只能查看数据（{role}）：上传、撤销和修改由店主或经理操作。",
        "Your account can read, not change ({role}): uploads, undos and edits are for the owner "
        "or a manager.",
    ),
    "acc.forbidden": (
        "你的账号（{role}）不能做这项操作。",
        "Your account ({role}) cannot do this.",
    ),
    "acc.no_pay": (
        "薪酬只对店主可见。",
        "Pay is shown to the owner only.",
    ),
    "acc.added": ("已添加用户 {name}（{role}）。", "User {name} added ({role})."),
    "acc.removed": ("已删除用户 {name}。", "User {name} removed."),
    "acc.password_set": ("已更新 {name} 的密码。", "Password of {name} changed."),
    "acc.mismatch": ("两次输入的密码不一致。", "The two passwords differ."),
    "acc.no_users": (
        "还没有账号：任何能打开本地址的人都能使用全部功能。",
        "No accounts yet: whoever opens this address can do everything.",
    ),
    "role.owner": ("店主", "owner"),
    "role.manager": ("经理", "manager"),
    "role.viewer": ("查看者", "viewer"),
    "batch.by": ("操作人", "By"),
    "ex.top_groups": (
        "图中只画支付金额最大的 {shown} 个（共 {total} 个{dim}）；下面的表格包含全部。",
        "The chart draws the {shown} {dim}s with the most sales, of {total}; the tables "
        "below hold them all.",
    ),
    "ok.no_actions": ("没有行动项。", "No action items."),
    "kind.store_period": ("店铺区间数据", "Store figures for a period"),
    "kind.ad": ("推广报表", "Ad report"),
    "kind.agent": ("客服数据", "Customer service"),
    "kind.monthly": ("月度成本与目标", "Monthly costs and targets"),
    "kind.demo": ("演示数据", "Demo data"),
    "kind.rename": ("店铺改名/合并", "Store renamed/merged"),
    "ic.trend": ("询盘成本走势", "Inquiry cost over time"),
    "ic.window": (
        "走势图显示 {first} 至 {last}（至少 13 个周期，便于对比）。",
        "Trends show {first} to {last} (at least 13 periods, for comparison).",
    ),
    "ic.parts": ("成本构成（推广费 + 人力 + 管理）", "What the cost is made of"),
    "ic.target": ("询盘任务完成度", "Inquiry target and completion"),
    "ic.target_note": (
        "询盘任务数 = 总成本 ÷ 目标询盘成本；目标询盘成本按店铺按月上传（月度成本与目标文件）。",
        "Inquiry target = total cost ÷ target inquiry cost; the target inquiry "
        "cost is set per store and month (monthly costs and targets file).",
    ),
    "ic.formula": ("计算方法", "How it is computed"),
    "ic.split": ("拆分", "Split by"),
    "ic.split_none": ("合计", "Total"),
    "ic.targets_table": ("各店目标询盘成本", "Target inquiry cost per store"),
    "ic.no_cost": (
        "没有询单数据的周期不显示询盘成本（图中留空）。",
        "Periods without inquiries have no inquiry cost (a gap in the chart).",
    ),
    "metric.date": ("日期", "Date"),
    "metric.month": ("月份", "Month"),
    "metric.store": ("店铺", "Store"),
    "metric.channel": ("渠道", "Channel"),
    "metric.member": ("客服", "Agent"),
    "metric.impressions": ("展现量", "Impressions"),
    "metric.clicks": ("点击量", "Clicks"),
    "metric.ad_sales": ("推广成交金额", "Ad-attributed sales"),
    "metric.received": ("接待人数", "Customers received"),
    "metric.response_seconds": ("平均响应时长（秒）", "Average response (s)"),
    "metric.target_inquiry_cost": ("目标询盘成本", "Target inquiry cost"),
    "metric.product_id": ("商品 ID", "Product ID"),
    "metric.product_name": ("商品名称", "Product name"),
    "metric.terminal": ("所属终端", "Terminal"),
    "nav.team": ("团队", "Team"),
    "page.team_kpis": ("团队绩效", "Team KPIs"),
    "page.diagnosis": ("阶段诊断", "Stage diagnosis"),
    "page.org": ("组织架构", "Org structure"),
    "stage.start": ("初期", "Start"),
    "stage.growth": ("成长期", "Growth"),
    "stage.mature": ("成熟期", "Mature"),
    # Roster and ratings columns, as the editors show them.
    "team.person_id": ("工号", "Staff ID"),
    "team.name": ("姓名", "Name"),
    "team.role_title": ("岗位", "Role"),
    "team.department": ("部门", "Department"),
    "team.manager": ("上级", "Manager"),
    "team.store": ("店铺", "Store"),
    "team.hired": ("入职日期", "Hired"),
    "team.left_on": ("离职日期", "Left on"),
    "team.base_pay": ("基本工资", "Base pay"),
    "team.level_coef": ("职级系数", "Level coefficient"),
    "team.float_coef": ("浮动工资系数", "Floating pay coefficient"),
    "team.collaborator": ("外部协作", "Collaborator"),
    "team.task_completion": ("任务完成度（分）", "Task completion (pts)"),
    "team.work_quality": ("工作质量（分）", "Work quality (pts)"),
    "team.supervisor_rating": ("上级评分", "Supervisor rating"),
    "team.peer_rating": ("同事评分", "Peer rating"),
    "team.inquiries": ("询盘数", "Inquiries"),
    "team.qualified_inquiries": ("有效询盘数", "Qualified inquiries"),
    "team.inquiry_target": ("询盘任务数", "Inquiry target"),
    "team.sales": ("销售额", "Sales"),
    "team.sales_target": ("销售目标", "Sales target"),
    "team.perf_coef": ("绩效系数", "Performance coefficient"),
    "team.no_roster": (
        "还没有花名册。请在「上传数据」页上传花名册（姓名、岗位、部门、上级、入职日期、基本工资……）。",
        "No roster yet. Upload one on the Upload page (name, position, department, manager, "
        "hire date, base pay …).",
    ),
    "team.no_ratings": (
        "花名册已有 {people} 人，还没有月度评分。在「上传数据」页上传月度评分（月份、姓名、任务完成度、上级评分……）后，这里显示得分和薪酬。",
        "The roster has {people} people, but no monthly ratings yet. Upload the monthly "
        "ratings (month, name, task completion, supervisor rating …) on the Upload page to "
        "see scores and pay here.",
    ),
    "tk.month": ("月份", "Month"),
    "tk.scheme": ("绩效方案（按团队阶段）", "Performance scheme (by team stage)"),
    "tk.scheme_suggested": ("阶段诊断建议：{stage}", "Stage diagnosis suggests: {stage}"),
    "tk.scores": ("个人得分与构成", "Scores and their parts"),
    "tk.formula.start": (
        "得分 = 工作成果 × {results:.0%} + 上级评分 × {supervisor:.0%} + 同事评分 × {peer:.0%}；"
        "工作成果 = 任务完成度 × {task:.0%} + 工作质量 × {quality:.0%}",
        "Score = work results × {results:.0%} + supervisor × {supervisor:.0%} + "
        "peers × {peer:.0%}; work results = task completion × {task:.0%} + "
        "quality × {quality:.0%}",
    ),
    "tk.formula.growth": (
        "得分 = {parts}（完成度最多计 {cap:.0%}）；询盘奖金阶梯：{tiers}",
        "Score = {parts} (completion counts up to {cap:.0%}); inquiry bonus tiers: {tiers}",
    ),
    "tk.formula.mature": (
        "得分 = {basis}目标完成度 × {target:.0%} + 工作任务完成度 × {task:.0%}；提成阶梯：{tiers}；"
        "工龄系数：{tenure}；配合人分成 {share:.0%}",
        "Score = {basis} target completion × {target:.0%} + task completion × "
        "{task:.0%}; commission tiers: {tiers}; tenure factor: {tenure}; "
        "collaborator share {share:.0%}",
    ),
    "tk.settings": ("方案参数（可修改）", "Scheme settings (editable)"),
    "tk.weights": ("各项权重（合计应为 1）", "Weights of the parts (should add up to 1)"),
    "tk.task_share": ("成果中任务完成度占比", "Task share of work results"),
    "tk.bonus_tiers": (
        "询盘奖金阶梯：询盘任务完成度达到（≥，1 = 100%）→ 每个询盘奖励（元）",
        "Inquiry bonus tiers: inquiry task completion reached (≥, 1 = 100%) → yuan per inquiry",
    ),
    "tk.commission_tiers": (
        "提成阶梯：目标完成度（≥）→ 提成比例（0.02 = 2%）",
        "Commission tiers: target attainment (≥) → rate (0.02 = 2%)",
    ),
    "tk.tenure_tiers": ("工龄系数：工龄月数（≥）→ 系数", "Tenure factor: months (≥) → factor"),
    "tk.collaborator_share": ("配合人分成比例", "Collaborator share"),
    "tk.team_score": ("团队平均得分", "Team average score"),
    "tk.team_score_help": ("全体成员得分的平均值", "Mean of everyone's score"),
    "tk.headcount_scored": ("参与考核人数", "People scored"),
    "tk.team_pay": ("团队薪酬合计", "Team pay, total"),
    "tk.edit_ratings": ("编辑 {month} 的评分与目标", "Edit {month}'s ratings and targets"),
    "tk.ranking": ("排名", "Ranking"),
    "tk.trend": ("得分走势", "Score over the months"),
    "tk.cs": ("客服数据（与团队对比）", "Customer service, agent against team"),
    "tk.pay": ("薪酬", "Pay"),
    "tk.pay_formula": (
        "工资 = 基本工资 × 职级系数 + 基本工资 × 浮动工资系数 × 绩效系数（得分 ÷ 100，限 0~2） + 奖励/提成 + 其他",
        "Pay = base × level coefficient + base × floating coefficient × "
        "performance coefficient (score ÷ 100, within 0-2) + incentive + other",
    ),
    "tk.labor": (
        "本月薪酬对应的各店人力成本（公共岗位平均分摊到各店）",
        "Labor cost per store implied by this month's pay (shared roles split equally)",
    ),
    "tk.apply": (
        "用这些金额作为 {month} 的人力成本（计入询盘成本）",
        "Use these as {month}'s labor cost (feeds inquiry cost)",
    ),
    "tk.labor_source": (
        "询盘成本中的人力成本目前来自：上传的月度成本。点击下方按钮改用花名册薪酬（可在上传页撤销）。",
        "Labor cost in inquiry cost now comes from the uploaded monthly costs. "
        "The button below switches a month to roster pay (undo on the Upload "
        "page).",
    ),
    "tk.no_ratings": ("{month} 没有评分数据。", "No ratings for {month}."),
    "part.work_results": ("工作成果", "Work results"),
    "part.supervisor_rating": ("上级评分", "Supervisor"),
    "part.peer_rating": ("同事评分", "Peers"),
    "part.inquiry_completion": ("询盘任务完成度", "Inquiry task completion"),
    "part.inquiry_quality": ("询盘质量度", "Inquiry quality"),
    "part.task_completion": ("工作任务完成度", "Work task completion"),
    "part.target_completion": ("目标完成度", "Target completion"),
    "part.score": ("得分", "Score"),
    "part.rank": ("名次", "Rank"),
    "part.name": ("姓名", "Name"),
    "pay.base_part": ("基本工资×职级", "Base × level"),
    "pay.performance_coef": ("绩效系数", "Performance coef."),
    "pay.floating_part": ("浮动工资", "Floating pay"),
    "pay.incentive": ("奖励/提成", "Incentive"),
    "pay.other": ("其他", "Other"),
    "pay.total": ("合计", "Total"),
    "dg.stage": ("团队当前处于：{stage}", "The team is in the {stage} stage"),
    "dg.mixed": (
        "证据并不一致：下表列出每条证据指向的阶段。",
        "The evidence is mixed: the table shows where each finding points.",
    ),
    "dg.evidence": ("判断依据", "Evidence"),
    "dg.points_to": ("指向", "Points to"),
    "dg.no_data": ("尚无数据", "No data yet"),
    "dg.rule": ("阈值", "Threshold"),
    "dg.advice": ("接下来怎么做", "What follows"),
    "dg.next_hires": ("按招聘顺序，下一步招聘：{roles}", "Next hires in the hiring order: {roles}"),
    "dg.no_gaps": ("招聘顺序中的岗位都已有人。", "Every step of the hiring order is covered."),
    "dg.current_scheme": ("现行绩效方案", "Scheme in use today"),
    "dg.thresholds": (
        "阈值（设置，默认值如下）：初期 ≤{start_max_headcount} 人；成立 ≥{growth_min_age_months} 个月进入成长期；"
        "≥{specialised_min_roles} 个岗位算分工明确；有询盘任务 ≥{tracked_min_months} 个月算已跟踪；"
        "近 6 个月询盘成本变异系数 ≤{stable_max_variation} 算稳定；"
        "≥{mature_min_attained_months} 个月达成销售目标。",
        "Thresholds (settings; these are the defaults): start ≤ {start_max_headcount} people; "
        "growth from {growth_min_age_months} months old; ≥ {specialised_min_roles} roles is "
        "specialised; inquiry targets in ≥ {tracked_min_months} months is tracked; inquiry "
        "cost variation ≤ {stable_max_variation} over 6 months is stable; sales target met in "
        "≥ {mature_min_attained_months} of 6 months.",
    ),
    "ev.headcount": ("在职人数", "Headcount"),
    "ev.team_age_months": ("团队成立月数", "Team age (months)"),
    "ev.distinct_roles": ("岗位数", "Distinct roles"),
    "ev.inquiry_target_months": ("有询盘任务的月数", "Months with inquiry targets"),
    "ev.inquiry_cost_variation": ("近 6 月询盘成本变异系数", "Inquiry cost variation, 6 months"),
    "ev.target_attained_months": ("近 6 月达成销售目标", "Sales target met, last 6 months"),
    "warn.scheme_mismatch": (
        "现行方案是「{scheme}」，但团队已处于「{stage}」：按{stage}的方案考核。",
        "The team is paid under the {scheme} scheme but is in the {stage} "
        "stage: move to the {stage} scheme.",
    ),
    "warn.cost_rising": (
        "询盘成本已连续 {months} 个月上升。",
        "Inquiry cost has risen {months} months in a row.",
    ),
    "warn.untracked": (
        "团队已过初期，但还没有持续跟踪询盘任务数：先把询盘任务和询盘成本管起来。",
        "Past the start stage but inquiry targets are not tracked yet: set "
        "inquiry targets and watch inquiry cost.",
    ),
    "org.chart": ("组织架构图（按汇报关系）", "Org chart (reporting lines)"),
    "org.departments": ("各部门人数与人力成本", "Headcount and labor cost by department"),
    "org.span": ("管理幅度（直接下属人数）", "Span of control (direct reports)"),
    "org.model": ("对照参考模型：{model}", "Against the reference model: {model}"),
    "org.model_pick": ("参考模型", "Reference model"),
    "org.slot": ("岗位 / 部门", "Role / department"),
    "org.count": ("人数", "People"),
    "org.status": ("状态", "Status"),
    "status.ok": ("✅ 已配置", "✅ in place"),
    "status.missing": ("❌ 缺少", "❌ missing"),
    "status.doubled": ("⚠️ 重复", "⚠️ doubled"),
    "org.hiring": ("招聘顺序", "Hiring order"),
    "org.hiring_step": ("第 {n} 步：{role}", "Step {n}: {role}"),
    "org.team_data": ("团队数据：花名册与月度评分", "Team data: roster and monthly ratings"),
    "org.upload": (
        "上传花名册或月度评分（CSV / Excel）",
        "Upload a roster or monthly ratings (CSV / Excel)",
    ),
    "org.save": ("保存 {file}（{rows} 行）", "Save {file} ({rows} rows)"),
    "org.edit": ("编辑花名册", "Edit the roster"),
    "org.save_edits": ("保存修改（新批次，可撤销）", "Save changes (a new batch; undo works)"),
    "org.saved": ("已保存为批次 {batch}。", "Saved as batch {batch}."),
    "dept.management": ("管理层", "Management"),
    "dept.operations": ("运营部", "Operations"),
    "dept.product": ("产品部", "Product"),
    "dept.design": ("设计部", "Design"),
    "dept.customer_service": ("客服部", "Customer service"),
    "dept.logistics": ("仓储物流部", "Logistics"),
    "dept.marketing": ("市场部", "Marketing"),
    "dept.live": ("直播部", "Live streaming"),
    "dept.finance": ("财务部", "Finance"),
    "dept.hr": ("人事部", "HR"),
    "dept.technology": ("技术部", "Technology"),
    "dept.": ("未分部门", "No department"),
    "ex.metrics": ("指标", "Metrics"),
    "ex.dimension": ("按维度", "By"),
    "ex.pivot": ("透视表", "Pivot"),
    "ex.chart_hint": (
        "在图上点击或框选可筛选下面的明细行。",
        "Click or box-select on the chart to filter the rows below.",
    ),
    "ex.products": ("商品（按销售额）", "Products (by sales)"),
    "ex.agents": ("客服（同一店铺和日期）", "Agents (same stores and days)"),
    "ex.no_products": (
        "这个范围内没有商品级数据：上传生意参谋「商品效果」、京东商智「商品明细」等商品报表后，这里按商品下钻。",
        "No product-level data in this range: upload a product report (Business Advisor "
        "product performance, JD Shangzhi SKU details, Amazon by child item, Shopify sales by "
        "product) to drill down to products here.",
    ),
    "ov.top_products": ("本期销售额前五的商品", "Top five products by sales"),
    "note.title": (
        "📌 时间线备注（活动、调价、断货、双 11……）",
        "📌 Timeline notes (promotions, price changes, stock-outs …)",
    ),
    "note.day": ("日期", "Day"),
    "note.text": ("发生了什么", "What happened"),
    "note.placeholder": ("如：双 11 预售开始", "e.g. Double 11 pre-sale starts"),
    "note.add": ("加到时间线", "Add to the timeline"),
    "note.remove": ("移除", "Remove"),
    "note.empty": ("备注需要写点内容。", "A note needs some text."),
    "note.added": ("已加到时间线，趋势图上会标出。", "Added: the trend charts mark it."),
    "note.line": ("{day} · {store} · {text}", "{day} · {store} · {text}"),
    "eq.title": ("销售额公式：变化从哪里来", "The sales equation: where the change came from"),
    "eq.method": (
        "销售额 = 访客数 × 转化率 × 客单价；询盘成本 = (推广费 + 人力成本 + 管理成本) ÷ 询单人数。变化按对数平均（LMDI）分到每个因素：因素 i 分得 L(本期, 对比期) × ln(因素本期 ÷ 因素对比期)，各部分相加正好等于总变化。成本部分按各自的变化分摊。",
        "Sales = visitors × conversion rate × order value; inquiry cost = (spend + labor + "
        "management) ÷ inquiries. The change is split by the logarithmic mean (LMDI): factor i "
        "gets L(now, before) × ln(factor now ÷ factor before), and the parts add up exactly to "
        "the change. The cost's part is shared among its parts by their own changes.",
    ),
    "eq.before": ("对比期{what}", "{what} before"),
    "eq.now": ("本期{what}", "{what} now"),
    "eq.sales_title": ("销售额：对比期 → 本期", "Sales: before → now"),
    "eq.cost_title": ("询盘成本：对比期 → 本期", "Inquiry cost: before → now"),
    "eq.sales_change": ("销售额变化", "Sales change"),
    "eq.no_split": (
        "{what}无法分解：有因素在某一期为 0 或缺失（对数不存在）。",
        "{what} cannot be split: a factor is zero or missing in one of the periods.",
    ),
    "pr.movers": (
        "商品销售额变化最大（对比期）",
        "Products whose sales moved most (vs comparison)",
    ),
    "pr.left_out": (
        "这些按区间上传的商品报表只覆盖了所选日期的一部分，没有计入（不会把区间数据摊到天）：{periods}。选择包含整个区间的日期即可看到。",
        "These product reports cover a period that only partly overlaps the selected dates and "
        "are not counted (a period's numbers are never spread over days): {periods}. Pick "
        "dates that hold the whole period to see them.",
    ),
    "ex.rows": ("明细数据（每日 × 店铺 × 渠道）", "Rows (day × store × channel)"),
    "ex.selected": ("已按图中选择筛选：{what}", "Filtered by chart selection: {what}"),
    "ex.download_csv": ("下载 CSV", "Download CSV"),
    "ex.download_xlsx": ("下载 Excel", "Download Excel"),
    "ex.compare": ("周期对比", "Period comparison"),
    "dim.none": ("合计", "Total"),
    "dim.store": ("店铺", "Store"),
    "dim.channel": ("渠道", "Channel"),
}


def t(key: str, lang: str = "zh", /, **params) -> str:
    """The text for `key` in `lang` ("zh" or "en"), with `params` filled in.

    `key` and `lang` are positional-only, so a template may have fields named `key` or `lang`.

    An unknown key returns the key itself, so a missing translation is visible, not fatal.
    """
    pair = TEXT.get(key)
    if pair is None:
        return key
    template = pair[0] if lang == "zh" else pair[1]
    return template.format(**params)


def not_a_table(file: str, sniffed: str) -> Message:
    """err.binary for a file sniffed as 'binary:<code>' (or 'zip' inside a zip), with what it
    looks like named in each language."""
    code = sniffed.split(":", 1)[1] if sniffed.startswith("binary:") else sniffed
    return Message(
        "err.binary",
        {"file": file, "what_zh": t(f"what.{code}", "zh"), "what_en": t(f"what.{code}", "en")},
    )


@dataclass(frozen=True)
class Message:
    """A user-facing message kept as key + fields, rendered in either language on demand."""

    key: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str = "zh") -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:  # both languages, for logs and the CLI
        return f"{self.text('zh')} / {self.text('en')}"
