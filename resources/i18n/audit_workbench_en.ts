<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="zh_CN">
<context>
    <name>AcceptDialog</name>
    <message>
        <source>受理申请</source>
        <translation>Accept the application</translation>
    </message>
    <message>
        <source>例如 HT-2026-001</source>
        <translation>e.g. HT-2026-001</translation>
    </message>
    <message>
        <source>人民币元，如 38,000 或 3.8万</source>
        <translation>Yuan, e.g. 38,000 or 3.8万</translation>
    </message>
    <message>
        <source>合同编号</source>
        <translation>Contract no.</translation>
    </message>
    <message>
        <source>认证费用（元）</source>
        <translation>Fee (CNY)</translation>
    </message>
    <message>
        <source>按 {headcount} 人计算：文件审查 {doc} 人日，现场审查 {site} 人日</source>
        <translation>For {headcount} people: {doc} document review days, {site} on-site days</translation>
    </message>
    <message>
        <source>审查人日</source>
        <translation>Audit days</translation>
    </message>
    <message>
        <source>调整人日</source>
        <translation>Override days</translation>
    </message>
    <message>
        <source>调整的原因</source>
        <translation>Reason for the override</translation>
    </message>
    <message>
        <source>文件审查人日</source>
        <translation>Document review days</translation>
    </message>
    <message>
        <source>现场审查人日</source>
        <translation>On-site days</translation>
    </message>
    <message>
        <source>调整原因</source>
        <translation>Reason for the override</translation>
    </message>
    <message>
        <source>即 {amount} 元</source>
        <translation>= {amount} yuan</translation>
    </message>
    <message>
        <source>请填写合同编号</source>
        <translation>Enter the contract number</translation>
    </message>
    <message>
        <source>请填写认证费用</source>
        <translation>Enter the certification fee</translation>
    </message>
    <message>
        <source>认证费用：{problem}</source>
        <translation>Certification fee: {problem}</translation>
    </message>
    <message>
        <source>调整人日须说明原因</source>
        <translation>Changing the audit days needs a reason</translation>
    </message>
</context>
<context>
    <name>AddUserDialog</name>
    <message>
        <source>新增用户</source>
        <translation>Add user</translation>
    </message>
    <message>
        <source>登录名，不含空格，例如 zhangwei</source>
        <translation>Login name without spaces, e.g. zhangwei</translation>
    </message>
    <message>
        <source>姓名，例如 张伟</source>
        <translation>Full name, e.g. Zhang Wei</translation>
    </message>
    <message>
        <source>初始密码，至少 {n} 个字符</source>
        <translation>Initial password, at least {n} characters</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>初始密码</source>
        <translation>Initial password</translation>
    </message>
    <message>
        <source>角色</source>
        <translation>Roles</translation>
    </message>
    <message>
        <source>新增</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>请填写用户名</source>
        <translation>Enter the user name</translation>
    </message>
    <message>
        <source>请填写姓名（窗口和文件中以姓名称呼用户）</source>
        <translation>Enter the person&apos;s name (the window and the documents call users by name)</translation>
    </message>
    <message>
        <source>请填写初始密码</source>
        <translation>Enter a first password</translation>
    </message>
    <message>
        <source>请至少选择一个角色</source>
        <translation>Choose at least one role</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>无法创建数据库</source>
        <translation>Cannot create the database</translation>
    </message>
    <message>
        <source>正在创建示例数据…</source>
        <translation>Creating the demo data…</translation>
    </message>
    <message>
        <source>正在导入审核包…</source>
        <translation>Importing the audit package…</translation>
    </message>
    <message>
        <source>售后服务认证工作台</source>
        <translation>Audit Workbench</translation>
    </message>
</context>
<context>
    <name>ApplicationTab</name>
    <message>
        <source>申请组织</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>组织名称</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>统一社会信用代码</source>
        <translation>Credit code</translation>
    </message>
    <message>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>企业类型</source>
        <translation>Enterprise type</translation>
    </message>
    <message>
        <source>人数</source>
        <translation>Headcount</translation>
    </message>
    <message>
        <source>认证范围</source>
        <translation>Scope</translation>
    </message>
    <message>
        <source>案件与合同</source>
        <translation>Case and contract</translation>
    </message>
    <message>
        <source>认证类型</source>
        <translation>Audit type</translation>
    </message>
    <message>
        <source>评价规则</source>
        <translation>Rubric</translation>
    </message>
    <message>
        <source>合同编号</source>
        <translation>Contract no.</translation>
    </message>
    <message>
        <source>认证费用</source>
        <translation>Fee</translation>
    </message>
    <message>
        <source>审查人日</source>
        <translation>Audit days</translation>
    </message>
    <message>
        <source>评审组</source>
        <translation>Audit team</translation>
    </message>
    <message>
        <source>把文件拖到某一行即可添加到该项材料（可多个）；双击打开文件；右键可移除文件</source>
        <translation>Drop files on a row to add them to that material (several are fine); double-click to open a file; right-click to remove one</translation>
    </message>
    <message>
        <source>添加文件…</source>
        <translation>Add files…</translation>
    </message>
    <message>
        <source>打开文件</source>
        <translation>Open file</translation>
    </message>
    <message>
        <source>移除文件…</source>
        <translation>Remove file…</translation>
    </message>
    <message>
        <source>标记不适用…</source>
        <translation>Mark not applicable…</translation>
    </message>
    <message>
        <source>申请材料（12 项）</source>
        <translation>Application materials (12 items)</translation>
    </message>
    <message>
        <source>与营业执照一致的组织全称</source>
        <translation>Full name as on the business licence</translation>
    </message>
    <message>
        <source>企业类型决定评价规则，创建后不能修改</source>
        <translation>The enterprise type decides the rubric; it cannot change after the application is created</translation>
    </message>
    <message>
        <source> 人</source>
        <translation> people</translation>
    </message>
    <message>
        <source>有效人数，用于计算审查人日</source>
        <translation>Effective headcount, used for the audit days</translation>
    </message>
    <message>
        <source>保存申请信息</source>
        <translation>Save the application</translation>
    </message>
    <message>
        <source>放弃修改</source>
        <translation>Discard changes</translation>
    </message>
    <message>
        <source>{fee} 元</source>
        <translation>CNY {fee}</translation>
    </message>
    <message>
        <source>文件审查 {doc} 人日，现场审查 {site} 人日</source>
        <translation>{doc} document review days, {site} on-site days</translation>
    </message>
    <message>
        <source>（已调整：{reason}）</source>
        <translation>(overridden: {reason})</translation>
    </message>
    <message>
        <source>{name}（组长）</source>
        <translation>{name} (leader)</translation>
    </message>
    <message>
        <source>还有 {n} 项材料既未提供也未标记不适用，完成后才能提交。</source>
        <translation>{n} materials are neither provided nor marked not applicable; complete them to submit.</translation>
    </message>
    <message>
        <source>所选材料没有文件</source>
        <translation>The selected material has no file</translation>
    </message>
    <message>
        <source>申请组织信息已被他人修改，已载入最新内容。</source>
        <translation>Someone else changed the organisation&apos;s details; the latest version is shown.</translation>
    </message>
    <message>
        <source>组织名称不能为空</source>
        <translation>The organisation name cannot be empty</translation>
    </message>
    <message>
        <source>请输入统一社会信用代码</source>
        <translation>Enter the unified social credit code</translation>
    </message>
    <message>
        <source>认证范围不能为空</source>
        <translation>The scope cannot be empty</translation>
    </message>
    <message>
        <source>保存 (Ctrl+S)</source>
        <translation>Save (Ctrl+S)</translation>
    </message>
    <message>
        <source>没有未保存的修改</source>
        <translation>No unsaved changes</translation>
    </message>
    <message>
        <source>有未保存的修改</source>
        <translation>Unsaved changes</translation>
    </message>
    <message>
        <source>案件已被他人修改，已重新载入；您填写的内容仍在，请检查后再保存。</source>
        <translation>Someone else changed the case, so it was reloaded; what you typed is still here — check it and save again.</translation>
    </message>
    <message>
        <source>✓ 已保存</source>
        <translation>✓ Saved</translation>
    </message>
    <message>
        <source>正在添加 {n} 个文件…</source>
        <translation>Adding {n} files…</translation>
    </message>
    <message>
        <source>移除文件</source>
        <translation>Remove file</translation>
    </message>
    <message>
        <source>从第 {n} 项材料中移除文件“{name}”？</source>
        <translation>Remove the file “{name}” from material {n}?</translation>
    </message>
    <message>
        <source>请先选择一项材料</source>
        <translation>Select a material first</translation>
    </message>
    <message>
        <source>第 {n} 项材料的文件</source>
        <translation>Files for material {n}</translation>
    </message>
    <message>
        <source>材料不适用</source>
        <translation>Material not applicable</translation>
    </message>
    <message>
        <source>第 {n} 项 {name}：请说明不适用的原因</source>
        <translation>Item {n} {name}: why is it not applicable?</translation>
    </message>
    <message>
        <source>提交申请</source>
        <translation>Submit the application</translation>
    </message>
    <message>
        <source>提交案件 {case_no}（{org}）的申请？
提交后申请资料和材料不能再修改，案件转受理人员受理。</source>
        <translation>Submit the application of case {case_no} ({org})?
After submitting, the application and its materials can no longer be changed; the case goes to the clerks for acceptance.</translation>
    </message>
    <message>
        <source>正在提交申请…</source>
        <translation>Submitting the application…</translation>
    </message>
    <message>
        <source>不予受理</source>
        <translation>Reject</translation>
    </message>
    <message>
        <source>不予受理案件 {case_no}：案件将就此结束，不能恢复。
请说明不予受理的原因：</source>
        <translation>Reject case {case_no}: the case ends here and cannot be reopened.
The reason for rejecting it:</translation>
    </message>
    <message>
        <source>撤回案件 {case_no}：案件将就此结束，不能恢复。
请说明撤回的原因：</source>
        <translation>Withdraw case {case_no}: the case ends here and cannot be reopened.
The reason for withdrawing it:</translation>
    </message>
    <message>
        <source>撤回案件</source>
        <translation>Withdraw the case</translation>
    </message>
    <message>
        <source>{case_no} 的申请组织信息</source>
        <translation>The applicant organisation of {case_no}</translation>
    </message>
    <message>
        <source>撤回申请</source>
        <translation>Withdraw the application</translation>
    </message>
</context>
<context>
    <name>BackupActions</name>
    <message>
        <source>备份数据库(&amp;K)…</source>
        <translation>Bac&amp;k up the database…</translation>
    </message>
    <message>
        <source>备份提醒</source>
        <translation>Backup reminder</translation>
    </message>
    <message>
        <source>服务器数据库请使用服务器自带工具（pg_dump）备份</source>
        <translation>Back up a server database with the server&apos;s own tools (pg_dump)</translation>
    </message>
    <message>
        <source>将数据库和附件备份为一个带校验的文件，备份时可继续工作</source>
        <translation>Back up the database and its attachments into one checksummed file; work can go on meanwhile</translation>
    </message>
    <message>
        <source>备份数据库</source>
        <translation>Back up the database</translation>
    </message>
    <message>
        <source>正在备份数据库…</source>
        <translation>Backing up the database…</translation>
    </message>
    <message>
        <source>备份完成</source>
        <translation>Backup complete</translation>
    </message>
    <message>
        <source>已备份到 {file}
{events} 条事件记录，{attachments} 个附件，共 {size}。
校验值 SHA-256：{sha}
日志锚点：{anchor}
备份已用机构密钥签名（{key}）。</source>
        <translation>Backed up to {file}
{events} events, {attachments} attachments, {size} in all.
SHA-256: {sha}
Log anchor: {anchor}
Signed with the body&apos;s key ({key}).</translation>
    </message>
    <message>
        <source>注意：机构的签名密钥不在数据库备份中。请另行保管：在命令行运行
audit-workbench --user 管理员 keys backup -o 密钥备份.pem
（以口令加密），把该文件与口令分开、离开本机保存。在另一台电脑上恢复数据库后，用
audit-workbench --user 管理员 keys restore 密钥备份.pem 安装密钥，才能继续签发证书。</source>
        <translation>Note: the body&apos;s signing key is not in the database backup. Keep it separately: on the command line run
audit-workbench --user ADMIN keys backup -o body-key.pem
(encrypted with a passphrase) and keep that file off this machine, apart from its passphrase. After restoring the database on another computer, install the key with
audit-workbench --user ADMIN keys restore body-key.pem to issue certificates again.</translation>
    </message>
    <message>
        <source>备份已取消，未写入任何内容</source>
        <translation>Backup cancelled; nothing was written</translation>
    </message>
    <message>
        <source>无法备份数据库</source>
        <translation>Cannot back up the database</translation>
    </message>
</context>
<context>
    <name>BackupFile</name>
    <message>
        <source>数据库备份 (*.awb)</source>
        <translation>Database backup (*.awb)</translation>
    </message>
</context>
<context>
    <name>BackupReminderBar</name>
    <message>
        <source>立即备份…</source>
        <translation>Back up now…</translation>
    </message>
    <message>
        <source>稍后提醒</source>
        <translation>Remind me later</translation>
    </message>
    <message>
        <source>下次登录时再提醒</source>
        <translation>Remind me at the next login</translation>
    </message>
    <message>
        <source>本数据库尚未备份过。建议至少每周备份一次，以免电脑故障时丢失认证记录。</source>
        <translation>This database has never been backed up. Back it up at least once a week, so that a broken computer never costs certification records.</translation>
    </message>
    <message>
        <source>上次备份是 {days} 天前（{when}）。建议至少每周备份一次。</source>
        <translation>The last backup was {days} days ago ({when}). Back up at least once a week.</translation>
    </message>
</context>
<context>
    <name>BusyWait</name>
    <message>
        <source>数据库正忙：另一个程序正在写入，正在等待…</source>
        <translation>The database is busy: another program is writing to it; waiting…</translation>
    </message>
    <message>
        <source>数据库正忙</source>
        <translation>Database busy</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>CaseChoiceModel</name>
    <message>
        <source>案件编号</source>
        <translation>Case no.</translation>
    </message>
    <message>
        <source>申请组织</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>评价规则</source>
        <translation>Rubric</translation>
    </message>
</context>
<context>
    <name>CaseLabels</name>
    <message>
        <source>待整改（已逾期）</source>
        <translation>Open (overdue)</translation>
    </message>
</context>
<context>
    <name>CaseListModel</name>
    <message>
        <source>案件编号</source>
        <translation>Case no.</translation>
    </message>
    <message>
        <source>申请组织</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>统一社会信用代码</source>
        <translation>Credit code</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>评价规则</source>
        <translation>Rubric</translation>
    </message>
    <message>
        <source>得分</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>等级</source>
        <translation>Grade</translation>
    </message>
    <message>
        <source>最近更新</source>
        <translation>Last change</translation>
    </message>
</context>
<context>
    <name>CaseListPage</name>
    <message>
        <source>案件</source>
        <translation>Cases</translation>
    </message>
    <message>
        <source>新建申请</source>
        <translation>New application</translation>
    </message>
    <message>
        <source>登记新的认证申请 (Ctrl+N)</source>
        <translation>Register a new application (Ctrl+N)</translation>
    </message>
    <message>
        <source>打开</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>打开所选案件 (Enter)</source>
        <translation>Open the selected case (Enter)</translation>
    </message>
    <message>
        <source>搜索组织名称（可用拼音或首字母）、统一社会信用代码或案件编号</source>
        <translation>Search organisation (pinyin or initials too), credit code or case number</translation>
    </message>
    <message>
        <source>全部状态</source>
        <translation>All states</translation>
    </message>
    <message>
        <source>全部评价规则</source>
        <translation>All rubrics</translation>
    </message>
    <message>
        <source>全部等级</source>
        <translation>All grades</translation>
    </message>
    <message>
        <source>全部评审员</source>
        <translation>All auditors</translation>
    </message>
    <message>
        <source>清除筛选</source>
        <translation>Clear filters</translation>
    </message>
    <message>
        <source>共 {n}+ 件</source>
        <translation>{n}+ cases</translation>
    </message>
    <message>
        <source>共 {n} 件</source>
        <translation>{n} cases</translation>
    </message>
    <message>
        <source>申请 {case_no} 已按登记的组织“{name}”建立。与登记不同的内容已作为变更提议 #{id} 记录，登记信息未修改。</source>
        <translation>Application {case_no} was made for the organisation on record, “{name}”. What differs from the record was recorded as proposed change #{id}; the record was not changed.</translation>
    </message>
</context>
<context>
    <name>CasePage</name>
    <message>
        <source>案件</source>
        <translation>Cases</translation>
    </message>
    <message>
        <source>下一步：</source>
        <translation>Next:</translation>
    </message>
    <message>
        <source>补充申请材料</source>
        <translation>Complete the materials</translation>
    </message>
    <message>
        <source>提交申请</source>
        <translation>Submit the application</translation>
    </message>
    <message>
        <source>受理…</source>
        <translation>Accept…</translation>
    </message>
    <message>
        <source>不予受理…</source>
        <translation>Reject…</translation>
    </message>
    <message>
        <source>指派评审组…</source>
        <translation>Assign audit team…</translation>
    </message>
    <message>
        <source>记录文件审查</source>
        <translation>Record the document review</translation>
    </message>
    <message>
        <source>现场评分</source>
        <translation>Scoring</translation>
    </message>
    <message>
        <source>形成评审结论…</source>
        <translation>Conclude the audit…</translation>
    </message>
    <message>
        <source>表决</source>
        <translation>Vote</translation>
    </message>
    <message>
        <source>颁发证书</source>
        <translation>Issue the certificate</translation>
    </message>
    <message>
        <source>撤回案件…</source>
        <translation>Withdraw the case…</translation>
    </message>
    <message>
        <source>申请</source>
        <translation>Application</translation>
    </message>
    <message>
        <source>文件审查</source>
        <translation>Document review</translation>
    </message>
    <message>
        <source>评审委员会</source>
        <translation>Committee</translation>
    </message>
    <message>
        <source>证书</source>
        <translation>Certificate</translation>
    </message>
    <message>
        <source>正在读取案件 {case_no}…</source>
        <translation>Reading case {case_no}…</translation>
    </message>
    <message>
        <source>{who} 刚修改了本案（{time}），已载入最新内容；您正在填写的内容仍在。</source>
        <translation>{who} just changed this case ({time}); what is stored now is shown, and what you are typing is still here.</translation>
    </message>
    <message>
        <source>他人</source>
        <translation>Someone else</translation>
    </message>
    <message>
        <source>待整改</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>评价规则文件已被修改，不能继续评分</source>
        <translation>The rubric file has changed since the audit began: scoring is stopped</translation>
    </message>
    <message>
        <source>待整改 {n} 项</source>
        <translation>{n} open</translation>
    </message>
    <message>
        <source>第 {n} 轮</source>
        <translation>Round {n}</translation>
    </message>
    <message>
        <source>案件已结束：{state}</source>
        <translation>The case has ended: {state}</translation>
    </message>
</context>
<context>
    <name>CaseSummaryPage</name>
    <message>
        <source>案件</source>
        <translation>Cases</translation>
    </message>
    <message>
        <source>案件概况</source>
        <translation>Case summary</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>统一社会信用代码</source>
        <translation>Credit code</translation>
    </message>
    <message>
        <source>企业类型</source>
        <translation>Enterprise type</translation>
    </message>
    <message>
        <source>评价规则</source>
        <translation>Rubric</translation>
    </message>
    <message>
        <source>人数</source>
        <translation>Headcount</translation>
    </message>
    <message>
        <source>认证范围</source>
        <translation>Scope</translation>
    </message>
    <message>
        <source>评审组</source>
        <translation>Audit team</translation>
    </message>
    <message>
        <source>得分</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>等级</source>
        <translation>Grade</translation>
    </message>
    <message>
        <source>证书</source>
        <translation>Certificate</translation>
    </message>
</context>
<context>
    <name>CertificateTab</name>
    <message>
        <source>证书</source>
        <translation>Certificate</translation>
    </message>
    <message>
        <source>证书编号</source>
        <translation>Certificate no.</translation>
    </message>
    <message>
        <source>获证组织</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>统一社会信用代码</source>
        <translation>Credit code</translation>
    </message>
    <message>
        <source>等级</source>
        <translation>Grade</translation>
    </message>
    <message>
        <source>认证范围</source>
        <translation>Scope</translation>
    </message>
    <message>
        <source>评价规则</source>
        <translation>Rubric</translation>
    </message>
    <message>
        <source>发证日期</source>
        <translation>Issued on</translation>
    </message>
    <message>
        <source>有效期至</source>
        <translation>Expires on</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>下次监督审核</source>
        <translation>Next surveillance audit</translation>
    </message>
    <message>
        <source>颁发证书</source>
        <translation>Issue the certificate</translation>
    </message>
    <message>
        <source>保存证书 PDF…</source>
        <translation>Save certificate PDF…</translation>
    </message>
    <message>
        <source>打印证书…</source>
        <translation>Print certificate…</translation>
    </message>
    <message>
        <source>保存评分表（xlsx）…</source>
        <translation>Save score sheet (xlsx)…</translation>
    </message>
    <message>
        <source>保存评审报告（PDF）…</source>
        <translation>Save audit report (PDF)…</translation>
    </message>
    <message>
        <source>未颁发</source>
        <translation>Not issued</translation>
    </message>
    <message>
        <source>（{reason}）</source>
        <translation>({reason})</translation>
    </message>
    <message>
        <source>案件处于“{state}”状态：评审委员会批准后才能颁发证书。</source>
        <translation>The case is in “{state}”: a certificate can be issued once the committee has approved.</translation>
    </message>
    <message>
        <source>证书和报告的生成模块尚未安装</source>
        <translation>The certificate and report renderers are not installed</translation>
    </message>
    <message>
        <source>尚未颁发证书</source>
        <translation>No certificate issued yet</translation>
    </message>
    <message>
        <source>证书预览将在证书生成模块安装后显示。</source>
        <translation>The certificate preview appears once the certificate renderer is installed.</translation>
    </message>
    <message>
        <source>颁发证书后在此预览。</source>
        <translation>The certificate is previewed here once issued.</translation>
    </message>
    <message>
        <source>正在生成证书预览…</source>
        <translation>Making the certificate preview…</translation>
    </message>
    <message>
        <source>正在生成证书…</source>
        <translation>Making the certificate…</translation>
    </message>
    <message>
        <source>无法生成证书预览：{error}</source>
        <translation>The certificate preview could not be made: {error}</translation>
    </message>
    <message>
        <source>此安装缺少 Qt PDF 组件（PySide6-Pdf），无法预览；仍可保存证书 PDF。</source>
        <translation>This installation lacks the Qt PDF module (PySide6 QtPdf), so there is no preview; the certificate PDF can still be saved.</translation>
    </message>
    <message>
        <source>无法写入 {path}：{error}</source>
        <translation>Cannot write {path}: {error}</translation>
    </message>
    <message>
        <source>已保存：{path}</source>
        <translation>Saved: {path}</translation>
    </message>
    <message>
        <source>保存证书</source>
        <translation>Save certificate</translation>
    </message>
    <message>
        <source>保存评分表</source>
        <translation>Save score sheet</translation>
    </message>
    <message>
        <source>保存评审报告</source>
        <translation>Save audit report</translation>
    </message>
    <message>
        <source>正在颁发证书…</source>
        <translation>Issuing the certificate…</translation>
    </message>
</context>
<context>
    <name>ChangeOwnPasswordDialog</name>
    <message>
        <source>修改我的密码 — {name}</source>
        <translation>Change my password — {name}</translation>
    </message>
    <message>
        <source>当前密码</source>
        <translation>Current password</translation>
    </message>
    <message>
        <source>新密码</source>
        <translation>New password</translation>
    </message>
    <message>
        <source>再次输入</source>
        <translation>Again</translation>
    </message>
    <message>
        <source>修改</source>
        <translation>Change</translation>
    </message>
    <message>
        <source>请输入当前密码</source>
        <translation>Enter your current password</translation>
    </message>
    <message>
        <source>请输入新密码</source>
        <translation>Enter the new password</translation>
    </message>
    <message>
        <source>两次输入的密码不一致</source>
        <translation>The two passwords differ</translation>
    </message>
</context>
<context>
    <name>CncaReportDialog</name>
    <message>
        <source>上报 CNCA</source>
        <translation>Report to CNCA</translation>
    </message>
    <message>
        <source>表</source>
        <translation>Sheet</translation>
    </message>
    <message>
        <source>证书/案件</source>
        <translation>Certificate/case</translation>
    </message>
    <message>
        <source>缺少</source>
        <translation>Missing</translation>
    </message>
    <message>
        <source>在哪里填写</source>
        <translation>Where to fill it in</translation>
    </message>
    <message>
        <source>导出…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <source>导出草稿…</source>
        <translation>Export draft…</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>上报月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <source>{month}：证书信息 {c} 条，审核结果 {r} 条，审核计划 {p} 条</source>
        <translation>{month}: {c} certificate rows, {r} audit-result rows, {p} audit-plan rows</translation>
    </message>
    <message>
        <source>（含以前月份补报 {n} 条）</source>
        <translation> (including {n} late from earlier months)</translation>
    </message>
    <message>
        <source>；缺少 {n} 项必填信息，补齐后才能正式导出。</source>
        <translation>; {n} required fields are missing: fill them in before the report can be exported.</translation>
    </message>
    <message>
        <source>；信息完整。</source>
        <translation>; complete.</translation>
    </message>
    <message>
        <source>保存 CNCA 上报文件</source>
        <translation>Save the CNCA report</translation>
    </message>
    <message>
        <source>导出完成</source>
        <translation>Export finished</translation>
    </message>
    <message>
        <source>已写入：{path}</source>
        <translation>Written: {path}</translation>
    </message>
    <message>
        <source>草稿：缺失项列在“缺失项”表中，未标记为已上报。</source>
        <translation>Draft: the missing fields are listed in the sheet 缺失项; nothing was marked as reported.</translation>
    </message>
</context>
<context>
    <name>CommitteeTab</name>
    <message>
        <source>评审组建议</source>
        <translation>Team&apos;s recommendation</translation>
    </message>
    <message>
        <source>推荐</source>
        <translation>Recommended</translation>
    </message>
    <message>
        <source>得分</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>评审结论</source>
        <translation>Conclusion</translation>
    </message>
    <message>
        <source>评审组</source>
        <translation>Audit team</translation>
    </message>
    <message>
        <source>各类别得分率（%）</source>
        <translation>Score rate per category (%)</translation>
    </message>
    <message>
        <source>表决</source>
        <translation>Vote</translation>
    </message>
    <message>
        <source>表决意见</source>
        <translation>Comment</translation>
    </message>
    <message>
        <source>提交表决</source>
        <translation>Cast vote</translation>
    </message>
    <message>
        <source>编号</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>指标</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <source>不符合事实</source>
        <translation>Finding</translation>
    </message>
    <message>
        <source>期限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>纠正措施及验证</source>
        <translation>Corrective action and verification</translation>
    </message>
    <message>
        <source>关闭人</source>
        <translation>Closed by</translation>
    </message>
    <message>
        <source>审查 / 类别</source>
        <translation>Review / category</translation>
    </message>
    <message>
        <source>发现</source>
        <translation>Findings</translation>
    </message>
    <message>
        <source>指标评分</source>
        <translation>Indicator scores</translation>
    </message>
    <message>
        <source>不符合项</source>
        <translation>Nonconformity</translation>
    </message>
    <message>
        <source>文件审查发现</source>
        <translation>Document review findings</translation>
    </message>
    <message>
        <source>{total} 分 · {grade}</source>
        <translation>{total} points · {grade}</translation>
    </message>
    <message>
        <source>评审组尚未形成结论</source>
        <translation>The audit team has not concluded yet</translation>
    </message>
    <message>
        <source>基础分 {base}</source>
        <translation>Base score {base}</translation>
    </message>
    <message>
        <source>特别扣分 {n} 项</source>
        <translation>{n} special deductions</translation>
    </message>
    <message>
        <source>特别加分 {n} 项</source>
        <translation>{n} special bonus</translation>
    </message>
    <message>
        <source>不适用 {n} 项</source>
        <translation>{n} not applicable</translation>
    </message>
    <message>
        <source>决定等级：{grade}</source>
        <translation>Decided grade: {grade}</translation>
    </message>
    <message>
        <source>{name}（组长）</source>
        <translation>{name} (leader)</translation>
    </message>
    <message>
        <source>（{date} 验证关闭）</source>
        <translation>(verified and closed {date})</translation>
    </message>
    <message>
        <source>特别扣分</source>
        <translation>Special deduction</translation>
    </message>
    <message>
        <source>综合</source>
        <translation>General</translation>
    </message>
    <message>
        <source>您已对本案表决</source>
        <translation>You have voted on this case</translation>
    </message>
    <message>
        <source>{user}：{decision}</source>
        <translation>{user}: {decision}</translation>
    </message>
    <message>
        <source>第 {n} 轮表决</source>
        <translation>Round {n} votes</translation>
    </message>
    <message>
        <source>：尚无表决</source>
        <translation>: no votes yet</translation>
    </message>
    <message>
        <source>只读：{reason}</source>
        <translation>Read-only: {reason}</translation>
    </message>
    <message>
        <source>您已表决：{decision}</source>
        <translation>Your vote: {decision}</translation>
    </message>
    <message>
        <source>案件处于“{state}”状态，本页为只读。</source>
        <translation>The case is in “{state}”: this page is read-only.</translation>
    </message>
    <message>
        <source>请填写表决意见</source>
        <translation>Write the reasons for your vote</translation>
    </message>
    <message>
        <source>这是第 {n} 票，达到法定票数 {quorum}：提交后即作出评审委员会决定。</source>
        <translation>This is vote {n}, which reaches the quorum of {quorum}: the committee&apos;s decision is taken when it is cast.</translation>
    </message>
    <message>
        <source>这是第 {n} 票，法定票数为 {quorum}。</source>
        <translation>This is vote {n}; the quorum is {quorum}.</translation>
    </message>
    <message>
        <source>对案件 {case_no}（{org}）表决：{decision}。
{follows}
表决提交后不能更改。</source>
        <translation>Vote on case {case_no} ({org}): {decision}.
{follows}
A vote cannot be changed once cast.</translation>
    </message>
    <message>
        <source>正在提交表决…</source>
        <translation>Casting the vote…</translation>
    </message>
    <message>
        <source>{case_no} 尚未提交的表决意见</source>
        <translation>The vote on {case_no}, not yet cast</translation>
    </message>
</context>
<context>
    <name>ComplaintForms</name>
    <message>
        <source>登记投诉</source>
        <translation>Register a complaint</translation>
    </message>
    <message>
        <source>投诉人姓名或单位（可匿名）</source>
        <translation>The complainant&apos;s name or organisation (may be anonymous)</translation>
    </message>
    <message>
        <source>所涉案件编号（可不填）</source>
        <translation>The case it is about (optional)</translation>
    </message>
    <message>
        <source>投诉内容</source>
        <translation>The complaint</translation>
    </message>
    <message>
        <source>投诉类别</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>投诉人</source>
        <translation>Complainant</translation>
    </message>
    <message>
        <source>所涉案件</source>
        <translation>Case</translation>
    </message>
    <message>
        <source>调查人</source>
        <translation>Investigator</translation>
    </message>
    <message>
        <source>指定申诉评议组</source>
        <translation>Appoint the appeal panel</translation>
    </message>
    <message>
        <source>评议组成员</source>
        <translation>Panel members</translation>
    </message>
    <message>
        <source>登记申诉</source>
        <translation>Register an appeal</translation>
    </message>
    <message>
        <source>申诉理由</source>
        <translation>Grounds</translation>
    </message>
    <message>
        <source>案件编号</source>
        <translation>Case no.</translation>
    </message>
    <message>
        <source>作出申诉决定</source>
        <translation>Decide the appeal</translation>
    </message>
    <message>
        <source>决定理由</source>
        <translation>The panel&apos;s reasons</translation>
    </message>
    <message>
        <source>申诉结论</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <source>理由</source>
        <translation>Reasons</translation>
    </message>
</context>
<context>
    <name>ComplaintsPage</name>
    <message>
        <source>投诉与申诉</source>
        <translation>Complaints and appeals</translation>
    </message>
    <message>
        <source>投诉 {ack} 个工作日内确认收到、{resolve} 个工作日内处理完毕；申诉须在决定后 {window} 个工作日内提出，{decide} 日内由未参与该案的评议组作出决定</source>
        <translation>Complaints acknowledged within {ack} working days and resolved within {resolve}; appeals accepted within {window} working days of the decision and decided within {decide} days by a panel that took no part in the case</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>登记投诉…</source>
        <translation>Register a complaint…</translation>
    </message>
    <message>
        <source>确认收到</source>
        <translation>Acknowledge</translation>
    </message>
    <message>
        <source>指派调查人…</source>
        <translation>Assign an investigator…</translation>
    </message>
    <message>
        <source>记录处理结果…</source>
        <translation>Record the resolution…</translation>
    </message>
    <message>
        <source>关闭投诉</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>生成复函…</source>
        <translation>Write the letter…</translation>
    </message>
    <message>
        <source>登记申诉…</source>
        <translation>Register an appeal…</translation>
    </message>
    <message>
        <source>指定评议组…</source>
        <translation>Appoint the panel…</translation>
    </message>
    <message>
        <source>作出决定…</source>
        <translation>Decide…</translation>
    </message>
    <message>
        <source>投诉</source>
        <translation>Complaints</translation>
    </message>
    <message>
        <source>申诉</source>
        <translation>Appeals</translation>
    </message>
    <message>
        <source>编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>收到日期</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>投诉内容</source>
        <translation>Complaint</translation>
    </message>
    <message>
        <source>投诉人</source>
        <translation>Complainant</translation>
    </message>
    <message>
        <source>所涉案件</source>
        <translation>Case</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>调查人</source>
        <translation>Investigator</translation>
    </message>
    <message>
        <source>确认期限</source>
        <translation>Acknowledge by</translation>
    </message>
    <message>
        <source>处理期限</source>
        <translation>Resolve by</translation>
    </message>
    <message>
        <source>案件编号</source>
        <translation>Case no.</translation>
    </message>
    <message>
        <source>申诉组织</source>
        <translation>Appellant</translation>
    </message>
    <message>
        <source>申诉事项</source>
        <translation>Against</translation>
    </message>
    <message>
        <source>申诉理由</source>
        <translation>Grounds</translation>
    </message>
    <message>
        <source>评议组</source>
        <translation>Panel</translation>
    </message>
    <message>
        <source>结论</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <source>决定期限</source>
        <translation>Decide by</translation>
    </message>
    <message>
        <source>投诉 ({n})</source>
        <translation>Complaints ({n})</translation>
    </message>
    <message>
        <source>申诉 ({n})</source>
        <translation>Appeals ({n})</translation>
    </message>
    <message>
        <source>只有该投诉的调查人可以记录处理结果</source>
        <translation>Only the complaint&apos;s investigator records its resolution</translation>
    </message>
    <message>
        <source>只有该申诉评议组的成员可以作出决定</source>
        <translation>Only a member of the appeal&apos;s panel decides it</translation>
    </message>
    <message>
        <source>指派调查人</source>
        <translation>Assign an investigator</translation>
    </message>
    <message>
        <source>记录处理结果</source>
        <translation>Record the resolution</translation>
    </message>
    <message>
        <source>处理结果</source>
        <translation>Resolution</translation>
    </message>
    <message>
        <source>保存复函</source>
        <translation>Save the letter</translation>
    </message>
    <message>
        <source>无法写入 {path}：{error}</source>
        <translation>Cannot write {path}: {error}</translation>
    </message>
    <message>
        <source>已保存：{path}</source>
        <translation>Saved: {path}</translation>
    </message>
</context>
<context>
    <name>ConflictCard</name>
    <message>
        <source>案件 {case_no}</source>
        <translation>Case {case_no}</translation>
    </message>
    <message>
        <source>本库当前值</source>
        <translation>This database now</translation>
    </message>
    <message>
        <source>审核包中的值</source>
        <translation>In the package</translation>
    </message>
    <message>
        <source>导出时</source>
        <translation>At export</translation>
    </message>
    <message>
        <source>（无此记录）</source>
        <translation>(no such record)</translation>
    </message>
    <message>
        <source>（导出后新增）</source>
        <translation>(added after export)</translation>
    </message>
    <message>
        <source>最后修改</source>
        <translation>Last changed</translation>
    </message>
    <message>
        <source>保留本库的值</source>
        <translation>Keep this database&apos;s value</translation>
    </message>
    <message>
        <source>采用审核包中的值</source>
        <translation>Take the package&apos;s value</translation>
    </message>
</context>
<context>
    <name>CreateDatabaseDialog</name>
    <message>
        <source>创建数据库</source>
        <translation>Create database</translation>
    </message>
    <message>
        <source>数据库中还没有任何用户：
{location}

是否现在设置？</source>
        <translation>The database has no users yet:
{location}

Set it up now?</translation>
    </message>
    <message>
        <source>尚未找到数据库：
{location}

是否现在创建？</source>
        <translation>There is no database at:
{location}

Create it now?</translation>
    </message>
    <message>
        <source>创建并填入示例数据（示例用户的密码均为 demo-pass-2026）</source>
        <translation>Create it with demo data (every demo user&apos;s password is demo-pass-2026)</translation>
    </message>
    <message>
        <source>创建空数据库，并设置第一位系统管理员</source>
        <translation>Create an empty database with its first administrator</translation>
    </message>
    <message>
        <source>用办公室导出的审核包创建现场笔记本数据库</source>
        <translation>Create an on-site laptop database from an office audit package</translation>
    </message>
    <message>
        <source>选择审核包…</source>
        <translation>Choose audit package…</translation>
    </message>
    <message>
        <source>评审组成员以办公室发放的一次性代码首次登录</source>
        <translation>team members log in first with the one-time code the office gave them</translation>
    </message>
    <message>
        <source>至少 {n} 个字符</source>
        <translation>At least {n} characters</translation>
    </message>
    <message>
        <source>管理员用户名</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>创建</source>
        <translation>Create</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>选择审核包</source>
        <translation>Choose an audit package</translation>
    </message>
</context>
<context>
    <name>CreditCodeChecker</name>
    <message>
        <source>18 位统一社会信用代码</source>
        <translation>18-character unified social credit code</translation>
    </message>
    <message>
        <source>请输入统一社会信用代码</source>
        <translation>Enter the unified social credit code</translation>
    </message>
    <message>
        <source>还差 {n} 位</source>
        <translation>Characters missing: {n}</translation>
    </message>
    <message>
        <source>✓ 校验通过</source>
        <translation>✓ Valid</translation>
    </message>
    <message>
        <source>第 {n} 位字符“{ch}”不允许出现在统一社会信用代码中</source>
        <translation>Character {n} (“{ch}”) is not allowed in a unified social credit code</translation>
    </message>
    <message>
        <source>第 3–8 位应为行政区划码（数字）</source>
        <translation>Characters 3–8 must be the administrative division code (digits)</translation>
    </message>
    <message>
        <source>校验位应为“{expected}”，而不是“{got}”</source>
        <translation>The check character should be “{expected}”, not “{got}”</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <source>工作台</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>重新读取数据 (F5)</source>
        <translation>Read the data again (F5)</translation>
    </message>
    <message>
        <source>在办案件</source>
        <translation>Open cases</translation>
    </message>
    <message>
        <source>待我处理</source>
        <translation>Waiting for me</translation>
    </message>
    <message>
        <source>逾期未整改的不符合项</source>
        <translation>Nonconformities past their deadline</translation>
    </message>
    <message>
        <source>90 天内到期或待监督的证书</source>
        <translation>Certificates expiring or due for surveillance within 90 days</translation>
    </message>
    <message>
        <source>有效证书</source>
        <translation>Certificates in force</translation>
    </message>
    <message>
        <source>逾期的投诉与申诉</source>
        <translation>Complaints and appeals overdue</translation>
    </message>
    <message>
        <source>各状态案件数</source>
        <translation>Cases per state</translation>
    </message>
    <message>
        <source>有效证书等级分布</source>
        <translation>Certificates in force by grade</translation>
    </message>
    <message>
        <source>案件编号</source>
        <translation>Case no.</translation>
    </message>
    <message>
        <source>申请组织</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>下一步</source>
        <translation>Next step</translation>
    </message>
    <message>
        <source>未关闭不符合项</source>
        <translation>Open NCs</translation>
    </message>
    <message>
        <source>最近更新</source>
        <translation>Last change</translation>
    </message>
    <message>
        <source>指标</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <source>特别扣分项</source>
        <translation>Special deduction</translation>
    </message>
    <message>
        <source>不符合项</source>
        <translation>Nonconformity</translation>
    </message>
    <message>
        <source>整改期限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>逾期天数</source>
        <translation>Days overdue</translation>
    </message>
    <message>
        <source>已逾期 {n} 天</source>
        <translation>{n} days overdue</translation>
    </message>
    <message>
        <source>今天</source>
        <translation>today</translation>
    </message>
    <message>
        <source>{n} 天后</source>
        <translation>in {n} days</translation>
    </message>
    <message>
        <source>证书编号</source>
        <translation>Certificate no.</translation>
    </message>
    <message>
        <source>获证组织</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>等级</source>
        <translation>Grade</translation>
    </message>
    <message>
        <source>事项</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>剩余</source>
        <translation>When</translation>
    </message>
    <message>
        <source>证书状态</source>
        <translation>Certificate status</translation>
    </message>
    <message>
        <source>后续案件</source>
        <translation>Follow-up case</translation>
    </message>
    <message>
        <source>尚未开启</source>
        <translation>not opened</translation>
    </message>
    <message>
        <source>投诉 {id}：未在期限内确认收到</source>
        <translation>Complaint {id}: not acknowledged in time</translation>
    </message>
    <message>
        <source>投诉 {id}：未在期限内处理完毕</source>
        <translation>Complaint {id}: not resolved in time</translation>
    </message>
    <message>
        <source>申诉 {id}：未在期限内作出决定</source>
        <translation>Appeal {id}: not decided in time</translation>
    </message>
    <message>
        <source>期限</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>内容或案件</source>
        <translation>About</translation>
    </message>
    <message>
        <source>（已逾期）</source>
        <translation> (overdue)</translation>
    </message>
    <message>
        <source>（{n} 天提醒）</source>
        <translation> ({n}-day reminder)</translation>
    </message>
    <message>
        <source>；另{what} {date}</source>
        <translation>; also {what} {date}</translation>
    </message>
    <message>
        <source>{today} · {user}（{roles}）</source>
        <translation>{today} · {user} ({roles})</translation>
    </message>
    <message>
        <source>逾期投诉 {c} 件，逾期申诉 {a} 件</source>
        <translation>{c} complaints and {a} appeals overdue</translation>
    </message>
    <message>
        <source>逾期投诉与申诉 ({n})</source>
        <translation>Complaints and appeals overdue ({n})</translation>
    </message>
    <message>
        <source>本月 CNCA 上报：截止 {day} 日，{count} 条待报</source>
        <translation>CNCA report this month: due on the {day}th, {count} to report</translation>
    </message>
    <message>
        <source>监督提醒：逾期 {overdue} · 7天内 {d7} · 30天内 {d30} · 90天内 {d90}</source>
        <translation>Surveillance: {overdue} overdue · {d7} within 7 days · {d30} within 30 · {d90} within 90</translation>
    </message>
    <message>
        <source>{n} 张</source>
        <translation>{n} in force</translation>
    </message>
    <message>
        <source>暂无有效证书</source>
        <translation>No certificate in force</translation>
    </message>
    <message>
        <source>{n} 张证书的受理、评审、表决、颁证均由同一人新建或授权的账户完成，请复核：</source>
        <translation>{n} certificate(s) whose application, audit, vote and issue were all taken by accounts one person created or granted; please review:</translation>
    </message>
    <message>
        <source>待我处理 ({n})</source>
        <translation>Waiting for me ({n})</translation>
    </message>
    <message>
        <source>逾期不符合项 ({n})</source>
        <translation>Overdue nonconformities ({n})</translation>
    </message>
    <message>
        <source>证书到期与监督 ({n})</source>
        <translation>Expiry and surveillance ({n})</translation>
    </message>
</context>
<context>
    <name>DeclarationDialog</name>
    <message>
        <source>本人已阅读并签署</source>
        <translation>I have read and sign it</translation>
    </message>
    <message>
        <source>{year} 年度</source>
        <translation>{year}</translation>
    </message>
    <message>
        <source>声明年度</source>
        <translation>Year</translation>
    </message>
</context>
<context>
    <name>DeclareInterestDialog</name>
    <message>
        <source>申报利益关系</source>
        <translation>Declare an interest</translation>
    </message>
    <message>
        <source>申报</source>
        <translation>Declare</translation>
    </message>
    <message>
        <source>至今仍存在</source>
        <translation>Still holds</translation>
    </message>
    <message>
        <source>如何避免该利益关系影响认证工作（中风险必填，须经他人批准）</source>
        <translation>How the interest is kept from affecting certification work (required for a medium risk; approved by someone else)</translation>
    </message>
    <message>
        <source>高风险：不得参与该组织的评审与表决。中风险：应对措施经他人批准后方可参与。提供咨询：咨询结束后 {years} 年内不得参与。</source>
        <translation>High risk: no evaluation of, or vote on, the organisation. Medium risk: only once someone else has approved the mitigation. Consultancy: not for {years} years after it ended.</translation>
    </message>
    <message>
        <source>申报人</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>统一社会信用代码</source>
        <translation>Credit code</translation>
    </message>
    <message>
        <source>关系类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>起始日期</source>
        <translation>From</translation>
    </message>
    <message>
        <source>结束日期</source>
        <translation>To</translation>
    </message>
    <message>
        <source>风险等级</source>
        <translation>Risk</translation>
    </message>
    <message>
        <source>应对措施</source>
        <translation>Mitigation</translation>
    </message>
    <message>
        <source>结束日期不能早于起始日期</source>
        <translation>The end cannot be before the start</translation>
    </message>
    <message>
        <source>中风险须说明应对措施</source>
        <translation>A medium risk needs a mitigation</translation>
    </message>
    <message>
        <source>请输入统一社会信用代码</source>
        <translation>Enter the unified social credit code</translation>
    </message>
</context>
<context>
    <name>EndInterestDialog</name>
    <message>
        <source>利益关系结束</source>
        <translation>Interest ended</translation>
    </message>
    <message>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>结束日期</source>
        <translation>Ended on</translation>
    </message>
    <message>
        <source>结束日期不能早于起始日期（{day}）</source>
        <translation>The end cannot be before the start ({day})</translation>
    </message>
</context>
<context>
    <name>EvidenceDialog</name>
    <message>
        <source>添加证据</source>
        <translation>Add evidence</translation>
    </message>
    <message>
        <source>指标</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <source>回车确定，Shift+回车换行</source>
        <translation>Enter confirms, Shift+Enter starts a new line</translation>
    </message>
    <message>
        <source>浏览…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>文件或照片</source>
        <translation>File or photo</translation>
    </message>
    <message>
        <source>选择证据文件</source>
        <translation>Choose evidence files</translation>
    </message>
    <message>
        <source>请填写说明或选择文件</source>
        <translation>Write a note or choose a file</translation>
    </message>
    <message>
        <source>找不到文件 {path}</source>
        <translation>There is no file {path}</translation>
    </message>
</context>
<context>
    <name>ExportCasesDialog</name>
    <message>
        <source>带到现场笔记本</source>
        <translation>Take cases to a laptop</translation>
    </message>
    <message>
        <source>勾选要带到现场笔记本的案件。审核包包含案件资料、评价规则、附件，以及评审组成员的账户（供离线登录）。在现场笔记本上勾选已评审的案件，即导出评审结果带回办公室。</source>
        <translation>Tick the cases to take to the audit laptop. The package holds the case records, their rubric, the attachments and the audit team&apos;s accounts (to log in offline). On the laptop, tick the audited cases to export their results for the office.</translation>
    </message>
    <message>
        <source>没有可带出的案件：只有处于文件审查或现场评审阶段、且您可以处理的案件才能带到现场笔记本。</source>
        <translation>No cases to take out: only cases in document review or on-site audit that you handle can go to a laptop.</translation>
    </message>
    <message>
        <source>也显示待评审委员会评审的案件（在现场笔记本上带回评审结果时勾选）</source>
        <translation>Also show cases awaiting the committee (tick on the laptop to send their results back)</translation>
    </message>
    <message>
        <source>全选</source>
        <translation>Select all</translation>
    </message>
    <message>
        <source>全不选</source>
        <translation>Select none</translation>
    </message>
    <message>
        <source>导出…</source>
        <translation>Export…</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>已选 {n} 个案件</source>
        <translation>{n} case(s) selected</translation>
    </message>
</context>
<context>
    <name>FollowUpDialog</name>
    <message>
        <source>开启后续审核 — {number}</source>
        <translation>Open a follow-up audit — {number}</translation>
    </message>
    <message>
        <source>留空则沿用原合同编号</source>
        <translation>Leave empty to keep the original contract number</translation>
    </message>
    <message>
        <source>将新建一个已受理的案件，沿用原证书的认证范围；请随后指派评审组。</source>
        <translation>This creates an accepted case with the certificate&apos;s scope; assign the audit team next.</translation>
    </message>
    <message>
        <source>审核类型</source>
        <translation>Audit type</translation>
    </message>
    <message>
        <source>合同编号</source>
        <translation>Contract no.</translation>
    </message>
    <message>
        <source>开启</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>IssuePreviewDialog</name>
    <message>
        <source>颁发证书 — 预览</source>
        <translation>Issue the certificate — preview</translation>
    </message>
    <message>
        <source>将为 {org} 颁发证书 {number}：{grade}，有效期 {issued} 至 {expires}。
颁发后证书即生效并计入证书登记册，不能撤回（只能暂停或撤销）。</source>
        <translation>Certificate {number} will be issued to {org}: {grade}, valid from {issued} to {expires}.
Once issued it is in force and on the register; it cannot be taken back (only suspended or withdrawn).</translation>
    </message>
    <message>
        <source>样张：二维码不含签名，仅供核对。</source>
        <translation>Specimen: its QR code holds no signature; for checking only.</translation>
    </message>
    <message>
        <source>颁发证书</source>
        <translation>Issue the certificate</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>KeyboardHelp</name>
    <message>
        <source>整个窗口</source>
        <translation>Anywhere in the window</translation>
    </message>
    <message>
        <source>工作台、案件、当前案件、证书登记册、系统设置</source>
        <translation>Dashboard, cases, current case, certificate register, settings</translation>
    </message>
    <message>
        <source>刷新当前页面</source>
        <translation>Reload the page</translation>
    </message>
    <message>
        <source>切换用户</source>
        <translation>Switch user</translation>
    </message>
    <message>
        <source>退出（有未保存的修改时先询问）</source>
        <translation>Quit (asking first about unsaved changes)</translation>
    </message>
    <message>
        <source>本页：键盘操作</source>
        <translation>This page: the keys</translation>
    </message>
    <message>
        <source>案件列表</source>
        <translation>Case list</translation>
    </message>
    <message>
        <source>搜索组织名称、信用代码或案件编号</source>
        <translation>Search organisation, credit code or case number</translation>
    </message>
    <message>
        <source>新建申请</source>
        <translation>New application</translation>
    </message>
    <message>
        <source>回车</source>
        <translation>Enter</translation>
    </message>
    <message>
        <source>打开所选案件</source>
        <translation>Open the selected case</translation>
    </message>
    <message>
        <source>申请</source>
        <translation>Application</translation>
    </message>
    <message>
        <source>保存申请组织信息</source>
        <translation>Save the applicant organisation</translation>
    </message>
    <message>
        <source>现场评分</source>
        <translation>On-site scoring</translation>
    </message>
    <message>
        <source>数字、回车</source>
        <translation>Digits, Enter</translation>
    </message>
    <message>
        <source>键入分数，回车保存并跳到下一项（Tab 同样保存，Esc 取消）</source>
        <translation>Type the points; Enter saves and moves to the next indicator (Tab saves too, Esc cancels)</translation>
    </message>
    <message>
        <source>不适用（填写原因后跳到下一项）</source>
        <translation>Not applicable (the reason, then on to the next indicator)</translation>
    </message>
    <message>
        <source>按抽样评分（填写抽样数后跳到下一项）</source>
        <translation>Score from a sample (the counts, then on to the next indicator)</translation>
    </message>
    <message>
        <source>加减 0.5 分</source>
        <translation>Half a point more or less</translation>
    </message>
    <message>
        <source>满分</source>
        <translation>Full marks</translation>
    </message>
    <message>
        <source>清除评分</source>
        <translation>Clear the score</translation>
    </message>
    <message>
        <source>编辑说明：回车保存并回到评分表，Shift+回车换行，Esc 放弃</source>
        <translation>Edit the note: Enter saves and returns to the table, Shift+Enter starts a new line, Esc drops it</translation>
    </message>
    <message>
        <source>添加证据</source>
        <translation>Add evidence</translation>
    </message>
    <message>
        <source>就所选指标开具不符合项</source>
        <translation>Raise a nonconformity on the indicator</translation>
    </message>
    <message>
        <source>撤销 / 重做</source>
        <translation>Undo / redo</translation>
    </message>
    <message>
        <source>对话框</source>
        <translation>Dialogs</translation>
    </message>
    <message>
        <source>确定（多行文字中 Shift+回车换行）</source>
        <translation>OK (in a text of several lines Shift+Enter starts a new line)</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>下一栏</source>
        <translation>Next field</translation>
    </message>
</context>
<context>
    <name>KeyboardHelpDialog</name>
    <message>
        <source>键盘操作</source>
        <translation>Keyboard</translation>
    </message>
    <message>
        <source>按键</source>
        <translation>Keys</translation>
    </message>
    <message>
        <source>作用</source>
        <translation>What they do</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>LaptopCodesDialog</name>
    <message>
        <source>一次性笔记本代码</source>
        <translation>One-time laptop codes</translation>
    </message>
    <message>
        <source>请将每位评审组成员的一次性代码交给本人（打印或抄写）。代码只显示这一次，办公室不保存。成员在现场笔记本上首次登录时以代码作为密码，并设置本机密码；评审结果用其签名带回。</source>
        <translation>Give each audit team member their own one-time code (print it or write it down). The codes are shown only now; the office keeps none of them. On the laptop a member&apos;s first login uses the code as the password and sets the laptop password; the results come back signed with it.</translation>
    </message>
    <message>
        <source>评审组成员</source>
        <translation>Team member</translation>
    </message>
    <message>
        <source>一次性代码</source>
        <translation>One-time code</translation>
    </message>
    <message>
        <source>复制全部</source>
        <translation>Copy all</translation>
    </message>
    <message>
        <source>已交给各成员</source>
        <translation>Handed to the members</translation>
    </message>
</context>
<context>
    <name>LaptopPasswordDialog</name>
    <message>
        <source>设置本机密码</source>
        <translation>Set the laptop password</translation>
    </message>
    <message>
        <source>输入本机密码</source>
        <translation>Laptop password</translation>
    </message>
    <message>
        <source>用户</source>
        <translation>User</translation>
    </message>
    <message>
        <source>本机密码</source>
        <translation>Laptop password</translation>
    </message>
    <message>
        <source>至少 {n} 个字符</source>
        <translation>at least {n} characters</translation>
    </message>
    <message>
        <source>再次输入</source>
        <translation>Again</translation>
    </message>
    <message>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>本机密码至少需要 {n} 个字符</source>
        <translation>The laptop password needs at least {n} characters</translation>
    </message>
    <message>
        <source>两次输入的密码不一致</source>
        <translation>The two passwords differ</translation>
    </message>
    <message>
        <source>带回办公室的评审结果将用您的签名密钥签署。请输入本机密码。</source>
        <translation>The results going back to the office are signed with your signing key. Enter your laptop password.</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>登录 — 售后服务认证工作台</source>
        <translation>Log in — Audit Workbench</translation>
    </message>
    <message>
        <source>售后服务认证工作台</source>
        <translation>Audit Workbench</translation>
    </message>
    <message>
        <source>GB/T 27922 商品售后服务评价体系认证</source>
        <translation>GB/T 27922 after-sales service certification</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>Log in</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>请输入用户名</source>
        <translation>Enter your user name</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>售后服务认证工作台</source>
        <translation>Audit Workbench</translation>
    </message>
    <message>
        <source>工作台</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <source>案件</source>
        <translation>Cases</translation>
    </message>
    <message>
        <source>当前案件</source>
        <translation>Current case</translation>
    </message>
    <message>
        <source>证书登记册</source>
        <translation>Certificate register</translation>
    </message>
    <message>
        <source>人员与公正性</source>
        <translation>People</translation>
    </message>
    <message>
        <source>投诉与申诉</source>
        <translation>Complaints</translation>
    </message>
    <message>
        <source>系统设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>刷新(&amp;R)</source>
        <translation>&amp;Refresh</translation>
    </message>
    <message>
        <source>切换用户(&amp;U)…</source>
        <translation>Switch &amp;user…</translation>
    </message>
    <message>
        <source>注销(&amp;O)</source>
        <translation>Log &amp;out</translation>
    </message>
    <message>
        <source>修改我的密码(&amp;P)…</source>
        <translation>Change my &amp;password…</translation>
    </message>
    <message>
        <source>退出(&amp;Q)</source>
        <translation>&amp;Quit</translation>
    </message>
    <message>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>键盘操作(&amp;K)</source>
        <translation>&amp;Keyboard</translation>
    </message>
    <message>
        <source>关于(&amp;A)</source>
        <translation>&amp;About</translation>
    </message>
    <message>
        <source>正在读取数据…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>已登录：{user} · 数据库：{db}</source>
        <translation>Logged in: {user} · Database: {db}</translation>
    </message>
    <message>
        <source>切换用户</source>
        <translation>Switch user</translation>
    </message>
    <message>
        <source>注销</source>
        <translation>Log out</translation>
    </message>
    <message>
        <source>已注销 · 数据库：{db}</source>
        <translation>Logged out · database: {db}</translation>
    </message>
    <message>
        <source>修改密码</source>
        <translation>Change password</translation>
    </message>
    <message>
        <source>密码已修改，下次登录请使用新密码。</source>
        <translation>Your password was changed; log in with the new one next time.</translation>
    </message>
    <message>
        <source>离开“{page}”</source>
        <translation>Leaving “{page}”</translation>
    </message>
    <message>
        <source>打开案件 {case_no}</source>
        <translation>Opening case {case_no}</translation>
    </message>
    <message>
        <source>当前案件 {case_no} (Ctrl+3)</source>
        <translation>Current case {case_no} (Ctrl+3)</translation>
    </message>
    <message>
        <source>{who} 刚做了修改，已刷新（{time}）</source>
        <translation>{who} just made changes; refreshed ({time})</translation>
    </message>
    <message>
        <source>关于</source>
        <translation>About</translation>
    </message>
    <message>
        <source>售后服务认证工作台 {version}
GB/T 27922《商品售后服务评价体系》认证业务管理</source>
        <translation>Audit Workbench {version}
Certification of after-sales service against GB/T 27922</translation>
    </message>
    <message>
        <source>关闭窗口</source>
        <translation>Closing the window</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>后台任务尚未完成，仍要退出吗？</source>
        <translation>A background task is still running. Quit anyway?</translation>
    </message>
</context>
<context>
    <name>MaterialsModel</name>
    <message>
        <source>序号</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>材料</source>
        <translation>Material</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>文件</source>
        <translation>Files</translation>
    </message>
    <message>
        <source>不适用：{reason}</source>
        <translation>Not applicable: {reason}</translation>
    </message>
</context>
<context>
    <name>NewCaseDialog</name>
    <message>
        <source>新建申请</source>
        <translation>New application</translation>
    </message>
    <message>
        <source>与营业执照一致的组织全称</source>
        <translation>Full name as on the business licence</translation>
    </message>
    <message>
        <source> 人</source>
        <translation> people</translation>
    </message>
    <message>
        <source>有效人数，用于计算审查人日</source>
        <translation>Effective headcount, used for the audit days</translation>
    </message>
    <message>
        <source>例如：家用空调器的售后服务（配送、安装、维修、投诉处理）</source>
        <translation>e.g. after-sales service of household air conditioners (delivery, installation, repair, complaints)</translation>
    </message>
    <message>
        <source>联系人及电话</source>
        <translation>Contact person and telephone</translation>
    </message>
    <message>
        <source>该统一社会信用代码已登记</source>
        <translation>This unified social credit code is on record</translation>
    </message>
    <message>
        <source>为该组织申请</source>
        <translation>Apply for this organisation</translation>
    </message>
    <message>
        <source>更正统一社会信用代码</source>
        <translation>Correct the credit code</translation>
    </message>
    <message>
        <source>组织名称</source>
        <translation>Organisation name</translation>
    </message>
    <message>
        <source>统一社会信用代码</source>
        <translation>Credit code</translation>
    </message>
    <message>
        <source>企业类型</source>
        <translation>Enterprise type</translation>
    </message>
    <message>
        <source>评价规则</source>
        <translation>Rubric</translation>
    </message>
    <message>
        <source>人数</source>
        <translation>Headcount</translation>
    </message>
    <message>
        <source>认证范围</source>
        <translation>Scope</translation>
    </message>
    <message>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>联系人</source>
        <translation>Contact</translation>
    </message>
    <message>
        <source>创建</source>
        <translation>Create</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>默认：{title}</source>
        <translation>Default: {title}</translation>
    </message>
    <message>
        <source>登记名称：{name}</source>
        <translation>Name on record: {name}</translation>
    </message>
    <message>
        <source>地址：{address}</source>
        <translation>Address: {address}</translation>
    </message>
    <message>
        <source>联系人：{contact}</source>
        <translation>Contact: {contact}</translation>
    </message>
    <message>
        <source>{case_no}（{status}）</source>
        <translation>{case_no} ({status})</translation>
    </message>
    <message>
        <source>案件：{cases}</source>
        <translation>Cases: {cases}</translation>
    </message>
    <message>
        <source>无</source>
        <translation>none</translation>
    </message>
    <message>
        <source>{number}（{status}，{grade}）</source>
        <translation>{number} ({status}, {grade})</translation>
    </message>
    <message>
        <source>证书：{certificates}</source>
        <translation>Certificates: {certificates}</translation>
    </message>
    <message>
        <source>待处理的变更提议：{n} 项</source>
        <translation>Proposed changes pending: {n}</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>name</translation>
    </message>
    <message>
        <source>{field}“{typed}”（登记为“{recorded}”）</source>
        <translation>{field} “{typed}” (on record: “{recorded}”)</translation>
    </message>
    <message>
        <source>与登记不同：{differences}。为该组织申请时，这些内容只作为变更提议记录，不会修改登记信息；组织更名或地址变更须经组织信息变更办理。</source>
        <translation>Differs from the record: {differences}. Applying for this organisation records these only as a proposed change and does not change the record; a rename or a move is made as a recorded organisation change.</translation>
    </message>
    <message>
        <source>请填写组织名称</source>
        <translation>Enter the organisation&apos;s name</translation>
    </message>
    <message>
        <source>请输入统一社会信用代码</source>
        <translation>Enter the unified social credit code</translation>
    </message>
    <message>
        <source>请填写认证范围</source>
        <translation>Enter the scope of certification</translation>
    </message>
    <message>
        <source>该统一社会信用代码已登记：请选择为该组织申请，或更正统一社会信用代码</source>
        <translation>This credit code is on record: choose to apply for that organisation, or correct the code</translation>
    </message>
</context>
<context>
    <name>NonconformityDialog</name>
    <message>
        <source>开具不符合项</source>
        <translation>Raise a nonconformity</translation>
    </message>
    <message>
        <source>指标</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <source>（不针对单个指标）</source>
        <translation>(not tied to an indicator)</translation>
    </message>
    <message>
        <source>回车确定，Shift+回车换行</source>
        <translation>Enter confirms, Shift+Enter starts a new line</translation>
    </message>
    <message>
        <source>不符合事实</source>
        <translation>Finding</translation>
    </message>
    <message>
        <source>整改期限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>请填写不符合事实</source>
        <translation>Describe the nonconformity</translation>
    </message>
</context>
<context>
    <name>PackageActions</name>
    <message>
        <source>带到现场笔记本(&amp;T)…</source>
        <translation>&amp;Take cases to a laptop…</translation>
    </message>
    <message>
        <source>带回评审结果(&amp;B)…</source>
        <translation>&amp;Bring results back…</translation>
    </message>
    <message>
        <source>将案件导出为审核包（.awp），在现场笔记本上离线评审；在笔记本上则导出评审结果</source>
        <translation>Export cases as an audit package (.awp) to audit offline on a laptop; on the laptop, export the results</translation>
    </message>
    <message>
        <source>导入审核包：预览更改和冲突，再一次性导入</source>
        <translation>Import an audit package: preview its changes and conflicts, then import all at once</translation>
    </message>
    <message>
        <source>保存审核包</source>
        <translation>Save the audit package</translation>
    </message>
    <message>
        <source>正在导出审核包…</source>
        <translation>Exporting the audit package…</translation>
    </message>
    <message>
        <source>无法导出审核包</source>
        <translation>Cannot export the audit package</translation>
    </message>
    <message>
        <source>已将 {n} 个案件（{cases}）写入 {file}，含 {accounts} 位评审组成员的签名密钥和 {attachments} 个附件。
请将此文件复制到现场笔记本，在那里通过“文件 › 带回评审结果…”导入；成员以一次性代码首次登录。</source>
        <translation>Wrote {n} case(s) ({cases}) to {file}, with the signing keys of {accounts} team member(s) and {attachments} attachment(s).
Copy this file to the on-site laptop and import it there with File › Bring results back…; members log in first with their one-time code.</translation>
    </message>
    <message>
        <source>已将 {n} 个案件（{cases}）的评审结果写入 {file}。
请将此文件带回办公室，通过“文件 › 带回评审结果…”导入。</source>
        <translation>The results of {n} case(s) ({cases}) were written to {file}.
Take this file to the office and import it with File › Bring results back….</translation>
    </message>
    <message>
        <source>审核包已导出</source>
        <translation>Audit package exported</translation>
    </message>
    <message>
        <source>选择审核包</source>
        <translation>Choose an audit package</translation>
    </message>
    <message>
        <source>正在检查审核包…</source>
        <translation>Checking the audit package…</translation>
    </message>
    <message>
        <source>无法导入审核包</source>
        <translation>Cannot import the audit package</translation>
    </message>
    <message>
        <source>正在导入审核包…</source>
        <translation>Importing the audit package…</translation>
    </message>
    <message>
        <source>已导入 {n} 个案件（{cases}）和 {accounts} 个账户，共 {changes} 项记录。</source>
        <translation>Imported {n} case(s) ({cases}) and {accounts} account(s): {changes} record(s) in all.</translation>
    </message>
    <message>
        <source>已导入案件 {cases} 的评审结果：{changes} 项更改，{unchanged} 项与本库相同。</source>
        <translation>Imported the results of {cases}: {changes} change(s), {unchanged} record(s) already the same here.</translation>
    </message>
    <message>
        <source>{n} 个冲突已按您的选择处理。</source>
        <translation>{n} conflict(s) settled as you chose.</translation>
    </message>
    <message>
        <source>新增 {n} 个附件。</source>
        <translation>{n} new attachment(s).</translation>
    </message>
    <message>
        <source>审核包已导入</source>
        <translation>Audit package imported</translation>
    </message>
    <message>
        <source>已取消，未做任何更改</source>
        <translation>Cancelled; nothing was changed</translation>
    </message>
</context>
<context>
    <name>PackageFile</name>
    <message>
        <source>审核包 (*.awp)</source>
        <translation>Audit packages (*.awp)</translation>
    </message>
    <message>
        <source>审核包 (*.awp);;所有文件 (*)</source>
        <translation>Audit packages (*.awp);;All files (*)</translation>
    </message>
</context>
<context>
    <name>PackagePreviewDialog</name>
    <message>
        <source>带回评审结果 — {file}</source>
        <translation>Bring results back — {file}</translation>
    </message>
    <message>
        <source>导入带出的案件 — {file}</source>
        <translation>Import cases taken out — {file}</translation>
    </message>
    <message>
        <source>现场评审结果</source>
        <translation>On-site audit results</translation>
    </message>
    <message>
        <source>带出的案件</source>
        <translation>Cases taken out</translation>
    </message>
    <message>
        <source>{file} · 由 {user} 于 {when} 导出</source>
        <translation>{file} · exported by {user} on {when}</translation>
    </message>
    <message>
        <source>{changes} 项更改 · {unchanged} 项与本库相同 · {conflicts} 个冲突</source>
        <translation>{changes} change(s) · {unchanged} already the same here · {conflicts} conflict(s)</translation>
    </message>
    <message>
        <source>案件编号</source>
        <translation>Case no.</translation>
    </message>
    <message>
        <source>申请组织</source>
        <translation>Applicant</translation>
    </message>
    <message>
        <source>导出时状态</source>
        <translation>Status at export</translation>
    </message>
    <message>
        <source>评价规则</source>
        <translation>Rubric</translation>
    </message>
    <message>
        <source>案件</source>
        <translation>Case</translation>
    </message>
    <message>
        <source>记录</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>变更</source>
        <translation>Change</translation>
    </message>
    <message>
        <source>原值</source>
        <translation>Old value</translation>
    </message>
    <message>
        <source>新值</source>
        <translation>New value</translation>
    </message>
    <message>
        <source>审核包中的内容与本库一致，没有需要更改的记录。</source>
        <translation>The package holds nothing this database does not have already: no record changes.</translation>
    </message>
    <message>
        <source>以下记录在导出后本库和现场都作了修改。请逐条选择保留本库的值或采用审核包中的值；所有冲突都选择后才能导入。</source>
        <translation>These records were changed both here and on the laptop since the export. For each, keep this database&apos;s value or take the package&apos;s; the import starts once every conflict is settled.</translation>
    </message>
    <message>
        <source>全部保留本库的值</source>
        <translation>Keep all of this database&apos;s values</translation>
    </message>
    <message>
        <source>全部采用审核包中的值</source>
        <translation>Take all of the package&apos;s values</translation>
    </message>
    <message>
        <source>冲突（{n}）</source>
        <translation>Conflicts ({n})</translation>
    </message>
    <message>
        <source>更改（{n}）</source>
        <translation>Changes ({n})</translation>
    </message>
    <message>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>案件（{n}）</source>
        <translation>Cases ({n})</translation>
    </message>
    <message>
        <source>有 {n} 个冲突无法逐条选择，不能导入。</source>
        <translation>{n} conflict(s) cannot be settled one by one: the package cannot be imported.</translation>
    </message>
    <message>
        <source>还有 {n} 个冲突未选择。</source>
        <translation>{n} conflict(s) still to settle.</translation>
    </message>
    <message>
        <source>所有冲突都已选择。导入将一次性写入，任何一项被拒绝则不做任何更改。</source>
        <translation>Every conflict is settled. The import is all or nothing: if anything is refused, nothing changes.</translation>
    </message>
    <message>
        <source>导入将一次性写入，任何一项被拒绝则不做任何更改。</source>
        <translation>The import is all or nothing: if anything is refused, nothing changes.</translation>
    </message>
</context>
<context>
    <name>PackageValues</name>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>评审结论</source>
        <translation>Audit conclusion</translation>
    </message>
    <message>
        <source>建议总分</source>
        <translation>Recommended total</translation>
    </message>
    <message>
        <source>建议等级</source>
        <translation>Recommended grade</translation>
    </message>
    <message>
        <source>评价规则</source>
        <translation>Rubric</translation>
    </message>
    <message>
        <source>材料序号</source>
        <translation>Material no.</translation>
    </message>
    <message>
        <source>文件</source>
        <translation>Files</translation>
    </message>
    <message>
        <source>人员</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>组长</source>
        <translation>Team leader</translation>
    </message>
    <message>
        <source>审查人</source>
        <translation>Reviewer</translation>
    </message>
    <message>
        <source>审查结论</source>
        <translation>Review outcome</translation>
    </message>
    <message>
        <source>审查发现</source>
        <translation>Findings</translation>
    </message>
    <message>
        <source>指标</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <source>得分</source>
        <translation>Points</translation>
    </message>
    <message>
        <source>不适用</source>
        <translation>Not applicable</translation>
    </message>
    <message>
        <source>理由</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>抽样数</source>
        <translation>Sampled</translation>
    </message>
    <message>
        <source>不合格数</source>
        <translation>Nonconforming</translation>
    </message>
    <message>
        <source>文件摘要</source>
        <translation>File digest</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>整改期限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>整改措施</source>
        <translation>Corrective action</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>关联不符合项</source>
        <translation>Linked nonconformity</translation>
    </message>
    <message>
        <source>轮次</source>
        <translation>Round</translation>
    </message>
    <message>
        <source>表决</source>
        <translation>Vote</translation>
    </message>
    <message>
        <source>等级</source>
        <translation>Grade</translation>
    </message>
    <message>
        <source>意见</source>
        <translation>Comment</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>角色</source>
        <translation>Roles</translation>
    </message>
    <message>
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>是</source>
        <translation>yes</translation>
    </message>
    <message>
        <source>否</source>
        <translation>no</translation>
    </message>
    <message>
        <source>已关联</source>
        <translation>linked</translation>
    </message>
    <message>
        <source>（删除）</source>
        <translation>(removed)</translation>
    </message>
    <message>
        <source>新增</source>
        <translation>Added</translation>
    </message>
    <message>
        <source>修改</source>
        <translation>Changed</translation>
    </message>
    <message>
        <source>删除</source>
        <translation>Removed</translation>
    </message>
    <message>
        <source>评分 {code}</source>
        <translation>Score {code}</translation>
    </message>
    <message>
        <source>不符合项“{text}”</source>
        <translation>Nonconformity “{text}”</translation>
    </message>
    <message>
        <source>证据 {code} {what}</source>
        <translation>Evidence {code} {what}</translation>
    </message>
    <message>
        <source>{kind}“{reason}”</source>
        <translation>{kind} “{reason}”</translation>
    </message>
    <message>
        <source>文件审查（{reviewer}）</source>
        <translation>Document review ({reviewer})</translation>
    </message>
    <message>
        <source>申请材料第 {n} 项</source>
        <translation>Application material {n}</translation>
    </message>
    <message>
        <source>评审组成员 {user}</source>
        <translation>Audit team member {user}</translation>
    </message>
    <message>
        <source>{user} 的表决（第 {round} 轮）</source>
        <translation>Vote of {user} (round {round})</translation>
    </message>
    <message>
        <source>账户 {name}</source>
        <translation>Account {name}</translation>
    </message>
    <message>
        <source>案件 {case_no}</source>
        <translation>Case {case_no}</translation>
    </message>
    <message>
        <source>案件状态</source>
        <translation>Case status</translation>
    </message>
    <message>
        <source>导出后本库已将案件状态由“{base}”改为“{office}”，现场的评审结果不能再导入。请先核实案件状态，必要时退回后从现场笔记本重新导出。</source>
        <translation>Since the export, this database moved the case from “{base}” to “{office}”: the laptop&apos;s results can no longer be imported. Check the case&apos;s status first; if need be, return it and export the results from the laptop again.</translation>
    </message>
    <message>
        <source>此冲突不能逐条选择，无法导入。</source>
        <translation>This conflict cannot be settled one by one: the package cannot be imported.</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>重置密码 — {name}</source>
        <translation>Reset password — {name}</translation>
    </message>
    <message>
        <source>新密码</source>
        <translation>New password</translation>
    </message>
    <message>
        <source>再次输入</source>
        <translation>Repeat</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>请输入新密码</source>
        <translation>Enter the new password</translation>
    </message>
    <message>
        <source>两次输入的密码不一致</source>
        <translation>The two passwords differ</translation>
    </message>
</context>
<context>
    <name>PdfPreview</name>
    <message>
        <source>此安装缺少 Qt PDF 组件（PySide6-Pdf），无法预览。</source>
        <translation>This installation has no Qt PDF module (PySide6-Pdf): no preview.</translation>
    </message>
</context>
<context>
    <name>PeoplePage</name>
    <message>
        <source>人员与公正性</source>
        <translation>People and impartiality</translation>
    </message>
    <message>
        <source>人员资格与专业能力、培训与见证评价、利益冲突申报和年度公正性声明</source>
        <translation>Qualifications and competence, training and witnessed audits, declared interests and the annual impartiality declaration</translation>
    </message>
    <message>
        <source>签署年度公正性声明…</source>
        <translation>Sign the impartiality declaration…</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>培训名称</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>学时</source>
        <translation>Hours</translation>
    </message>
    <message>
        <source>培训机构</source>
        <translation>Provider</translation>
    </message>
    <message>
        <source>添加培训…</source>
        <translation>Add a training…</translation>
    </message>
    <message>
        <source>案件</source>
        <translation>Case</translation>
    </message>
    <message>
        <source>见证人</source>
        <translation>Witness</translation>
    </message>
    <message>
        <source>结论</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <source>添加见证评价…</source>
        <translation>Add a witnessed audit…</translation>
    </message>
    <message>
        <source>资格信息</source>
        <translation>Qualification</translation>
    </message>
    <message>
        <source>培训记录</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>见证评价</source>
        <translation>Witnessed audits</translation>
    </message>
    <message>
        <source>人员资格</source>
        <translation>Qualifications</translation>
    </message>
    <message>
        <source>全部申报</source>
        <translation>All declarations</translation>
    </message>
    <message>
        <source>当前有效</source>
        <translation>In force</translation>
    </message>
    <message>
        <source>待批准应对措施</source>
        <translation>Mitigation awaiting approval</translation>
    </message>
    <message>
        <source>申报利益关系…</source>
        <translation>Declare an interest…</translation>
    </message>
    <message>
        <source>登记结束…</source>
        <translation>Ended…</translation>
    </message>
    <message>
        <source>批准应对措施</source>
        <translation>Approve the mitigation</translation>
    </message>
    <message>
        <source>显示</source>
        <translation>Show</translation>
    </message>
    <message>
        <source>利益冲突申报</source>
        <translation>Declared interests</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>资格</source>
        <translation>Qualification</translation>
    </message>
    <message>
        <source>资格有效期</source>
        <translation>Valid</translation>
    </message>
    <message>
        <source>专业能力范围</source>
        <translation>Competence areas</translation>
    </message>
    <message>
        <source>本年度声明</source>
        <translation>Declaration</translation>
    </message>
    <message>
        <source>已签署</source>
        <translation>Signed</translation>
    </message>
    <message>
        <source>未签署</source>
        <translation>Not signed</translation>
    </message>
    <message>
        <source>长期有效</source>
        <translation>No expiry</translation>
    </message>
    <message>
        <source>{n} 天后到期</source>
        <translation>Expires in {n} days</translation>
    </message>
    <message>
        <source>至 {day}</source>
        <translation>Until {day}</translation>
    </message>
    <message>
        <source>未登记资格</source>
        <translation>No qualification</translation>
    </message>
    <message>
        <source>已于 {day} 过期</source>
        <translation>Expired on {day}</translation>
    </message>
    <message>
        <source>{day} 起生效</source>
        <translation>From {day}</translation>
    </message>
    <message>
        <source>未登记有效期</source>
        <translation>No expiry date</translation>
    </message>
    <message>
        <source>申报人</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>组织</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>关系类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>期间</source>
        <translation>Period</translation>
    </message>
    <message>
        <source>风险</source>
        <translation>Risk</translation>
    </message>
    <message>
        <source>批准</source>
        <translation>Approved by</translation>
    </message>
    <message>
        <source>待批准</source>
        <translation>Awaiting</translation>
    </message>
    <message>
        <source>应对措施</source>
        <translation>Mitigation</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>至今</source>
        <translation>now</translation>
    </message>
    <message>
        <source>回避至 {day}</source>
        <translation>Stands aside until {day}</translation>
    </message>
    <message>
        <source>已结束</source>
        <translation>Ended</translation>
    </message>
    <message>
        <source>尚未开始</source>
        <translation>Not yet begun</translation>
    </message>
    <message>
        <source>回避</source>
        <translation>Stands aside</translation>
    </message>
    <message>
        <source>待批准，回避</source>
        <translation>Awaiting approval: stands aside</translation>
    </message>
    <message>
        <source>有效</source>
        <translation>In force</translation>
    </message>
    <message>
        <source>（{n} 项待批准）</source>
        <translation> ({n} awaiting approval)</translation>
    </message>
    <message>
        <source>高风险或提供咨询（结束后 {years} 年内）：不得参与该组织的评审与评审委员会表决；中风险：应对措施经申报人和登记人以外的人员批准后方可参与；低风险：记录在案。</source>
        <translation>High risk, or consultancy (until {years} years after it ended): no evaluation of, or committee vote on, the organisation. Medium risk: only once someone other than the person and the one who recorded it has approved the mitigation. Low risk: on record.</translation>
    </message>
    <message>
        <source>签署 {year} 年度公正性声明</source>
        <translation>Sign the impartiality declaration for {year}</translation>
    </message>
    <message>
        <source>您已签署 {year} 年度和下一年度的公正性声明</source>
        <translation>You have signed the declarations for {year} and the next year</translation>
    </message>
    <message>
        <source>您尚未签署 {year} 年度公正性声明：签署前不能被指派到评审组，也不能参与评审委员会表决。</source>
        <translation>You have not signed the impartiality declaration for {year}: until you do, you cannot be put on an audit team or vote in the committee.</translation>
    </message>
    <message>
        <source>{name} 的资格信息</source>
        <translation>The qualification record of {name}</translation>
    </message>
    <message>
        <source>选择另一位人员</source>
        <translation>Choosing another person</translation>
    </message>
    <message>
        <source>请先选择一位人员</source>
        <translation>Select a person first</translation>
    </message>
    <message>
        <source>已保存 {name} 的资格信息。</source>
        <translation>The record of {name} is saved.</translation>
    </message>
    <message>
        <source>已签署 {year} 年度公正性声明。</source>
        <translation>The impartiality declaration for {year} is signed.</translation>
    </message>
    <message>
        <source>请先选择一项申报</source>
        <translation>Select a declaration first</translation>
    </message>
    <message>
        <source>申报本人与某组织的利益关系</source>
        <translation>Declare your interest in an organisation</translation>
    </message>
    <message>
        <source>该利益关系已登记于 {day} 结束</source>
        <translation>This interest is recorded as ended on {day}</translation>
    </message>
    <message>
        <source>登记该利益关系结束的日期</source>
        <translation>Record the day this interest ended</translation>
    </message>
    <message>
        <source>批准所选中风险申报的应对措施</source>
        <translation>Approve the mitigation of the selected medium risk</translation>
    </message>
    <message>
        <source>{person} 与 {org} 的利益关系（{kind}，{start} 起）</source>
        <translation>The interest of {person} in {org} ({kind}, since {start})</translation>
    </message>
</context>
<context>
    <name>PersonEditor</name>
    <message>
        <source>CCAA 注册号；技术专家可填本机构人员编号</source>
        <translation>CCAA registration number; for a technical expert the body&apos;s staff number</translation>
    </message>
    <message>
        <source>（未登记）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <source>专职（仅在本机构执业）</source>
        <translation>Full-time (practises in this body only)</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>撤销修改</source>
        <translation>Revert</translation>
    </message>
    <message>
        <source>资格类型</source>
        <translation>Qualification</translation>
    </message>
    <message>
        <source>注册号</source>
        <translation>Registration no.</translation>
    </message>
    <message>
        <source>证件类型</source>
        <translation>ID document</translation>
    </message>
    <message>
        <source>证件号码</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>有效期自</source>
        <translation>Valid from</translation>
    </message>
    <message>
        <source>有效期至</source>
        <translation>Valid until</translation>
    </message>
    <message>
        <source>专业能力范围</source>
        <translation>Competence areas</translation>
    </message>
    <message>
        <source>—（不限）</source>
        <translation>— (none)</translation>
    </message>
    <message>
        <source>请先在左侧选择一位人员</source>
        <translation>Select a person on the left</translation>
    </message>
    <message>
        <source>已登记 {masked}；输入新号码以更改</source>
        <translation>On record: {masked}; type a new number to change it</translation>
    </message>
    <message>
        <source>证件号码（保存后只显示部分）</source>
        <translation>ID number (shown masked once saved)</translation>
    </message>
    <message>
        <source>只读：{reason}</source>
        <translation>Read only: {reason}</translation>
    </message>
    <message>
        <source>请选择资格类型</source>
        <translation>Choose the qualification</translation>
    </message>
    <message>
        <source>高级审核员、审核员和实习审核员须登记 CCAA 注册号</source>
        <translation>A senior auditor, auditor or trainee needs the CCAA registration number</translation>
    </message>
    <message>
        <source>请选择证件类型</source>
        <translation>Choose the ID document type</translation>
    </message>
    <message>
        <source>请输入证件号码</source>
        <translation>Enter the ID number</translation>
    </message>
    <message>
        <source>更改证件类型时请重新输入证件号码</source>
        <translation>Enter the number again for the new document type</translation>
    </message>
    <message>
        <source>有效期截止日期不能早于起始日期</source>
        <translation>The qualification cannot end before it starts</translation>
    </message>
    <message>
        <source>注册资格须登记有效期截止日期</source>
        <translation>A registered qualification needs its expiry date</translation>
    </message>
    <message>
        <source>未选择专业能力范围：不能被指派到任何案件</source>
        <translation>No competence area: cannot be assigned to any case</translation>
    </message>
    <message>
        <source>资格已过期：不能被指派</source>
        <translation>The qualification has expired: cannot be assigned</translation>
    </message>
    <message>
        <source>没有修改</source>
        <translation>Nothing changed</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <source>请填写原因（将记入审计日志）；回车确定，Shift+回车换行</source>
        <translation>The reason (recorded in the audit trail); Enter confirms, Shift+Enter starts a new line</translation>
    </message>
    <message>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>原因代码</source>
        <translation>Reason code</translation>
    </message>
    <message>
        <source>请填写原因</source>
        <translation>Give the reason</translation>
    </message>
</context>
<context>
    <name>RegisterPage</name>
    <message>
        <source>证书登记册</source>
        <translation>Certificate register</translation>
    </message>
    <message>
        <source>暂停</source>
        <translation>Suspend</translation>
    </message>
    <message>
        <source>恢复</source>
        <translation>Restore</translation>
    </message>
    <message>
        <source>撤销</source>
        <translation>Withdraw</translation>
    </message>
    <message>
        <source>开启后续审核…</source>
        <translation>Follow-up audit…</translation>
    </message>
    <message>
        <source>打开案件</source>
        <translation>Open case</translation>
    </message>
    <message>
        <source>导出 CSV…</source>
        <translation>Export CSV…</translation>
    </message>
    <message>
        <source>将当前列表导出为 CSV（Excel 可直接打开）</source>
        <translation>Export the list as shown to CSV (opens in Excel)</translation>
    </message>
    <message>
        <source>批量打印证书…</source>
        <translation>Print certificates…</translation>
    </message>
    <message>
        <source>上报 CNCA…</source>
        <translation>Report to CNCA…</translation>
    </message>
    <message>
        <source>生成本机构每月向 CNCA 上报的数据文件</source>
        <translation>Write the body&apos;s monthly report file for CNCA</translation>
    </message>
    <message>
        <source>搜索证书编号、组织、信用代码或案件编号</source>
        <translation>Search number, organisation, credit code or case</translation>
    </message>
    <message>
        <source>全部状态</source>
        <translation>All states</translation>
    </message>
    <message>
        <source>监督审核逾期未进行</source>
        <translation>Surveillance audit overdue</translation>
    </message>
    <message>
        <source>证书编号</source>
        <translation>Certificate no.</translation>
    </message>
    <message>
        <source>获证组织</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>统一社会信用代码</source>
        <translation>Credit code</translation>
    </message>
    <message>
        <source>等级</source>
        <translation>Grade</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>颁证日期</source>
        <translation>Issued on</translation>
    </message>
    <message>
        <source>有效期至</source>
        <translation>Expires on</translation>
    </message>
    <message>
        <source>下次监督</source>
        <translation>Next surveillance</translation>
    </message>
    <message>
        <source>监督审核已逾期</source>
        <translation>Surveillance audit overdue</translation>
    </message>
    <message>
        <source>案件编号</source>
        <translation>Case no.</translation>
    </message>
    <message>
        <source>状态原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>共 {total} 张证书</source>
        <translation>{total} certificates</translation>
    </message>
    <message>
        <source>显示 {shown} / {total} 张证书</source>
        <translation>Showing {shown} of {total} certificates</translation>
    </message>
    <message>
        <source>证书状态为“{state}”，不能{verb}</source>
        <translation>The certificate is “{state}”: cannot {verb}</translation>
    </message>
    <message>
        <source>暂停所选证书（需填写原因）</source>
        <translation>Suspend the selected certificate (a reason is required)</translation>
    </message>
    <message>
        <source>恢复被暂停的证书（需填写原因）</source>
        <translation>Restore the suspended certificate (a reason is required)</translation>
    </message>
    <message>
        <source>撤销所选证书（需填写原因，不可恢复）</source>
        <translation>Withdraw the selected certificate (a reason is required; cannot be undone)</translation>
    </message>
    <message>
        <source>请先选择一张证书</source>
        <translation>Select a certificate first</translation>
    </message>
    <message>
        <source>开启后续审核</source>
        <translation>open a follow-up audit</translation>
    </message>
    <message>
        <source>为所选证书开启监督审核或再认证</source>
        <translation>Open a surveillance or renewal audit of the selected certificate</translation>
    </message>
    <message>
        <source>打开颁发此证书的案件</source>
        <translation>Open the case that issued this certificate</translation>
    </message>
    <message>
        <source>将所选证书（未选择时为全部有效证书）生成 PDF 保存到一个文件夹</source>
        <translation>Save the selected certificates (all valid ones when none is selected) as PDFs in a folder</translation>
    </message>
    <message>
        <source>暂停证书</source>
        <translation>Suspend certificate</translation>
    </message>
    <message>
        <source>暂停证书 {number}（{org}）的原因：</source>
        <translation>Reason for suspending certificate {number} ({org}):</translation>
    </message>
    <message>
        <source>恢复证书</source>
        <translation>Restore certificate</translation>
    </message>
    <message>
        <source>恢复证书 {number}（{org}）的原因：</source>
        <translation>Reason for restoring certificate {number} ({org}):</translation>
    </message>
    <message>
        <source>撤销证书</source>
        <translation>Withdraw certificate</translation>
    </message>
    <message>
        <source>撤销证书 {number}（{org}）的原因：
撤销后不能恢复。</source>
        <translation>Reason for withdrawing certificate {number} ({org}):
A withdrawn certificate cannot be restored.</translation>
    </message>
    <message>
        <source>导出证书登记册</source>
        <translation>Export the certificate register</translation>
    </message>
    <message>
        <source>CSV 文件 (*.csv)</source>
        <translation>CSV files (*.csv)</translation>
    </message>
    <message>
        <source>导出完成</source>
        <translation>Export finished</translation>
    </message>
    <message>
        <source>已导出 {n} 张证书到：
{path}</source>
        <translation>Exported {n} certificates to:
{path}</translation>
    </message>
    <message>
        <source>导出失败</source>
        <translation>Export failed</translation>
    </message>
    <message>
        <source>正在导出证书登记册…</source>
        <translation>Exporting the certificate register…</translation>
    </message>
    <message>
        <source>批量打印证书</source>
        <translation>Print certificates</translation>
    </message>
    <message>
        <source>没有可打印的证书</source>
        <translation>There are no certificates to print</translation>
    </message>
    <message>
        <source>选择保存证书 PDF 的文件夹</source>
        <translation>Choose a folder for the certificate PDFs</translation>
    </message>
    <message>
        <source>正在批量打印 {n} 张证书…</source>
        <translation>Printing {n} certificates…</translation>
    </message>
    <message>
        <source>批量打印失败</source>
        <translation>Printing failed</translation>
    </message>
    <message>
        <source>已生成 {n} 份证书 PDF，保存在：
{path}</source>
        <translation>{n} certificate PDFs saved in:
{path}</translation>
    </message>
    <message>
        <source>{n} 张证书未能生成：</source>
        <translation>{n} certificates could not be printed:</translation>
    </message>
    <message>
        <source>已取消，{n} 张证书未打印。</source>
        <translation>Cancelled: {n} certificates were not printed.</translation>
    </message>
    <message>
        <source>批量打印完成</source>
        <translation>Printing finished</translation>
    </message>
    <message>
        <source>批量打印未全部完成</source>
        <translation>Printing not completed</translation>
    </message>
</context>
<context>
    <name>ReviewTab</name>
    <message>
        <source>记录文件审查</source>
        <translation>Record the document review</translation>
    </message>
    <message>
        <source>本类别的审查发现，每行一条</source>
        <translation>Findings for this category, one per line</translation>
    </message>
    <message>
        <source>通过（转现场评审）</source>
        <translation>Pass (on to the on-site audit)</translation>
    </message>
    <message>
        <source>需修改（申请方修改后再审）</source>
        <translation>Revise (review again after the applicant&apos;s changes)</translation>
    </message>
    <message>
        <source>审查意见</source>
        <translation>Review note</translation>
    </message>
    <message>
        <source>记录审查结论</source>
        <translation>Record the review</translation>
    </message>
    <message>
        <source>结论：</source>
        <translation>Outcome:</translation>
    </message>
    <message>
        <source>意见：</source>
        <translation>Comment:</translation>
    </message>
    <message>
        <source>审查记录</source>
        <translation>Reviews</translation>
    </message>
    <message>
        <source>时间 / 类别</source>
        <translation>Time / category</translation>
    </message>
    <message>
        <source>审查员 / 发现</source>
        <translation>Reviewer / finding</translation>
    </message>
    <message>
        <source>结论</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <source>意见</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>综合（不针对类别）</source>
        <translation>General (no category)</translation>
    </message>
    <message>
        <source>只读：{reason}</source>
        <translation>Read-only: {reason}</translation>
    </message>
    <message>
        <source>案件处于“{state}”状态，文件审查记录为只读。</source>
        <translation>The case is in “{state}”: the document review is read-only.</translation>
    </message>
    <message>
        <source>综合</source>
        <translation>General</translation>
    </message>
    <message>
        <source>尚无审查记录</source>
        <translation>No review yet</translation>
    </message>
    <message>
        <source>正在记录文件审查…</source>
        <translation>Recording the document review…</translation>
    </message>
    <message>
        <source>{case_no} 尚未记录的文件审查发现</source>
        <translation>Document review findings of {case_no}, not yet recorded</translation>
    </message>
</context>
<context>
    <name>RolesDialog</name>
    <message>
        <source>设置角色 — {name}</source>
        <translation>Roles — {name}</translation>
    </message>
    <message>
        <source>一人可兼任多个角色；参与评审的人员不能对同一案件表决。</source>
        <translation>A person may hold several roles; whoever took part in evaluating a case may not vote on it.</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>请至少选择一个角色</source>
        <translation>Choose at least one role</translation>
    </message>
</context>
<context>
    <name>SampleDialog</name>
    <message>
        <source>按抽样评分</source>
        <translation>Score from a sample</translation>
    </message>
    <message>
        <source>{indicator}：得分 = 满分 × 符合数 ÷ 抽样数，按 0.5 分取整。</source>
        <translation>{indicator}: points = maximum × conforming ÷ sampled, rounded to 0.5.</translation>
    </message>
    <message>
        <source>抽样数</source>
        <translation>Sampled</translation>
    </message>
    <message>
        <source>不符合数</source>
        <translation>Nonconforming</translation>
    </message>
    <message>
        <source>抽样数至少为 1</source>
        <translation>The sample holds at least 1</translation>
    </message>
    <message>
        <source>不符合数不能多于抽样数</source>
        <translation>No more nonconforming than sampled</translation>
    </message>
</context>
<context>
    <name>ScoringModel</name>
    <message>
        <source>编号</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>指标</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <source>满分</source>
        <comment>short column header</comment>
        <translation>Max</translation>
    </message>
    <message>
        <source>得分</source>
        <comment>short column header</comment>
        <translation>Score</translation>
    </message>
    <message>
        <source>不适用</source>
        <comment>short column header</comment>
        <translation>N/A</translation>
    </message>
    <message>
        <source>证据</source>
        <comment>short column header</comment>
        <translation>Evidence</translation>
    </message>
    <message>
        <source>满分</source>
        <translation>Max</translation>
    </message>
    <message>
        <source>得分</source>
        <translation>Score</translation>
    </message>
    <message>
        <source>不适用</source>
        <translation>N/A</translation>
    </message>
    <message>
        <source>证据条数</source>
        <translation>Pieces of evidence</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>已评 {scored}/{count} 项；得分 {earned}，适用满分 {applicable}</source>
        <translation>{scored}/{count} scored; {earned} of {applicable} applicable points</translation>
    </message>
    <message>
        <source>（抽样）</source>
        <translation> (sample)</translation>
    </message>
    <message>
        <source>不适用：{reason}</source>
        <translation>Not applicable: {reason}</translation>
    </message>
    <message>
        <source>抽样 {sampled}，不符合 {nonconforming}</source>
        <translation>sampled {sampled}, nonconforming {nonconforming}</translation>
    </message>
    <message>
        <source>未评分</source>
        <translation>Not scored</translation>
    </message>
</context>
<context>
    <name>ScoringTab</name>
    <message>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <source>重做</source>
        <translation>Redo</translation>
    </message>
    <message>
        <source>形成评审结论…</source>
        <translation>Conclude the audit…</translation>
    </message>
    <message>
        <source>导入评分表…</source>
        <translation>Import score sheet…</translation>
    </message>
    <message>
        <source>键入分数后回车保存并跳到下一项 · N 不适用 · +/− 0.5 分 · F 满分 · S 抽样 · Del 清除 · C 说明 · E 证据 · R 不符合项 · Ctrl+Z 撤销</source>
        <translation>Type points, Enter saves and moves on · N not applicable · +/− 0.5 · F full marks · S sample · Del clear · C note · E evidence · R nonconformity · Ctrl+Z undo</translation>
    </message>
    <message>
        <source>指标</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <source>不符合项</source>
        <translation>Nonconformity</translation>
    </message>
    <message>
        <source>特别项</source>
        <translation>Special items</translation>
    </message>
    <message>
        <source>查看要点</source>
        <translation>What to look for</translation>
    </message>
    <message>
        <source>应有证据</source>
        <translation>Evidence expected</translation>
    </message>
    <message>
        <source>评审说明（Ctrl+Enter 保存）</source>
        <translation>Audit note (Ctrl+Enter saves)</translation>
    </message>
    <message>
        <source>保存说明</source>
        <translation>Save note</translation>
    </message>
    <message>
        <source>证据</source>
        <translation>Evidence</translation>
    </message>
    <message>
        <source>文件</source>
        <translation>Files</translation>
    </message>
    <message>
        <source>记录人</source>
        <translation>Recorded by</translation>
    </message>
    <message>
        <source>把文件或照片拖到这里即可作为证据添加；双击打开文件</source>
        <translation>Drop files or photos here to add them as evidence; double-click to open a file</translation>
    </message>
    <message>
        <source>添加证据…</source>
        <translation>Add evidence…</translation>
    </message>
    <message>
        <source>添加文件…</source>
        <translation>Add files…</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>现场证据</source>
        <translation>On-site evidence</translation>
    </message>
    <message>
        <source>编号</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>不符合事实</source>
        <translation>Finding</translation>
    </message>
    <message>
        <source>期限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>纠正措施</source>
        <translation>Corrective action</translation>
    </message>
    <message>
        <source>就所选指标开具…</source>
        <translation>Raise for the selected indicator…</translation>
    </message>
    <message>
        <source>验证并关闭…</source>
        <translation>Verify and close…</translation>
    </message>
    <message>
        <source>特别扣分项每项扣 1 分并开具不符合项；特别加分项加 1 分（最多一项）。</source>
        <translation>Each special deduction takes 1 point off and opens a nonconformity; one special bonus adds 1 point.</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>特别扣分…</source>
        <translation>Special deduction…</translation>
    </message>
    <message>
        <source>特别加分…</source>
        <translation>Special bonus…</translation>
    </message>
    <message>
        <source>撤销所选…</source>
        <translation>Remove selected…</translation>
    </message>
    <message>
        <source>评分为只读：{reason}</source>
        <translation>Scores are read-only: {reason}</translation>
    </message>
    <message>
        <source>读入填写好的评分表（.xlsx）：整表校验通过才保存，否则不做任何更改</source>
        <translation>Read back a filled-in score sheet (.xlsx): saved only if the whole sheet is valid, otherwise nothing changes</translation>
    </message>
    <message>
        <source>特别扣分</source>
        <translation>Special deduction</translation>
    </message>
    <message>
        <source>总分 &lt;b style=&apos;font-size:15pt&apos;&gt;{total}&lt;/b&gt;</source>
        <translation>Total &lt;b style=&apos;font-size:15pt&apos;&gt;{total}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>基础分 {base}</source>
        <translation>Base score {base}</translation>
    </message>
    <message>
        <source>特别扣分 −{n}</source>
        <translation>Special deductions −{n}</translation>
    </message>
    <message>
        <source>特别加分 +{n}</source>
        <translation>Special bonus +{n}</translation>
    </message>
    <message>
        <source>已评 {scored}/{count} 项</source>
        <translation>{scored}/{count} scored</translation>
    </message>
    <message>
        <source>尚有 {n} 项未评分，按 0 分计入：等级为暂定</source>
        <translation>{n} indicators not scored yet count as 0: the grade is provisional</translation>
    </message>
    <message>
        <source>暂定 {grade}</source>
        <translation>Provisional: {grade}</translation>
    </message>
    <message>
        <source>满分 {max} 分</source>
        <translation>Maximum {max} points</translation>
    </message>
    <message>
        <source>通常抽样检查（S 键按抽样评分）</source>
        <translation>Usually checked on a sample (S scores from a sample)</translation>
    </message>
    <message>
        <source>条款 {clause}</source>
        <translation>Clause {clause}</translation>
    </message>
    <message>
        <source>未评分</source>
        <translation>Not scored</translation>
    </message>
    <message>
        <source>不适用：{reason}</source>
        <translation>Not applicable: {reason}</translation>
    </message>
    <message>
        <source>得分 {points}（抽样 {sampled}，不符合 {nonconforming}）</source>
        <translation>Points {points} (sampled {sampled}, nonconforming {nonconforming})</translation>
    </message>
    <message>
        <source>得分 {points}</source>
        <translation>Points {points}</translation>
    </message>
    <message>
        <source>不适用</source>
        <translation>N/A</translation>
    </message>
    <message>
        <source>✓ 已保存 {code}：{value}（{time}）</source>
        <translation>✓ Saved {code}: {value} ({time})</translation>
    </message>
    <message>
        <source>{code} 得分 {points}</source>
        <translation>{code} scored {points}</translation>
    </message>
    <message>
        <source>清除 {code}</source>
        <translation>Clear {code}</translation>
    </message>
    <message>
        <source>不适用（删减）</source>
        <translation>Not applicable (excluded)</translation>
    </message>
    <message>
        <source>{code} {name}：请说明不适用的原因</source>
        <translation>{code} {name}: why is it not applicable?</translation>
    </message>
    <message>
        <source>{code} 不适用</source>
        <translation>{code} not applicable</translation>
    </message>
    <message>
        <source>抽样评分</source>
        <translation>Score from a sample</translation>
    </message>
    <message>
        <source>指标 {code} 不是抽样检查的指标，请直接录入得分。</source>
        <translation>{code} is not an indicator checked on a sample: enter its points.</translation>
    </message>
    <message>
        <source>{code} 抽样 {sampled}/{nonconforming}</source>
        <translation>{code} sample {sampled}/{nonconforming}</translation>
    </message>
    <message>
        <source>{code} 满分</source>
        <translation>{code} full marks</translation>
    </message>
    <message>
        <source>{code} 说明</source>
        <translation>{code} note</translation>
    </message>
    <message>
        <source>{case_no} 指标 {code} 的评审说明</source>
        <translation>The note on indicator {code} of {case_no}</translation>
    </message>
    <message>
        <source>✓ 已添加 {code} 的证据 {n} 项</source>
        <translation>✓ Added {n} pieces of evidence to {code}</translation>
    </message>
    <message>
        <source>正在添加证据…</source>
        <translation>Adding evidence…</translation>
    </message>
    <message>
        <source>✓ 已添加 {code} 的证据</source>
        <translation>✓ Evidence added to {code}</translation>
    </message>
    <message>
        <source>选择证据文件或照片</source>
        <translation>Choose evidence files or photos</translation>
    </message>
    <message>
        <source>✓ 已开具不符合项 {number}</source>
        <translation>✓ Raised nonconformity {number}</translation>
    </message>
    <message>
        <source>{number}：{text}
请记录纠正措施及其验证结果</source>
        <translation>{number}: {text}
Record the corrective action and how it was verified</translation>
    </message>
    <message>
        <source>✓ 已关闭 {number}</source>
        <translation>✓ Closed {number}</translation>
    </message>
    <message>
        <source>正在导入评分表…</source>
        <translation>Importing the score sheet…</translation>
    </message>
    <message>
        <source>提交评审委员会</source>
        <translation>Send to the committee</translation>
    </message>
    <message>
        <source>请先选择一个不符合项</source>
        <translation>Select a nonconformity first</translation>
    </message>
    <message>
        <source>关闭不符合项</source>
        <translation>Close nonconformity</translation>
    </message>
    <message>
        <source>特别扣分项</source>
        <translation>Special deduction</translation>
    </message>
    <message>
        <source>特别加分项</source>
        <translation>Special bonus</translation>
    </message>
    <message>
        <source>请说明原因</source>
        <translation>Give the reason</translation>
    </message>
    <message>
        <source>请先选择一个特别项</source>
        <translation>Select a special item first</translation>
    </message>
    <message>
        <source>撤销特别项</source>
        <translation>Remove special item</translation>
    </message>
    <message>
        <source>请说明撤销的原因</source>
        <translation>Why is it removed?</translation>
    </message>
    <message>
        <source>选择评分表</source>
        <translation>Choose a score sheet</translation>
    </message>
    <message>
        <source>评分表 (*.xlsx)</source>
        <translation>Score sheets (*.xlsx)</translation>
    </message>
    <message>
        <source>无法读取评分表</source>
        <translation>Cannot read the score sheet</translation>
    </message>
    <message>
        <source>✓ 已导入评分表 {file}</source>
        <translation>✓ Score sheet {file} imported</translation>
    </message>
    <message>
        <source>总分 {total} 分 · {grade}。
提交后案件 {case_no} 转评审委员会，评分、证据和不符合项不能再修改。

评审结论：</source>
        <translation>Total {total} · {grade}.
Case {case_no} then goes to the committee, and its scores, evidence and nonconformities can no longer change.

The audit&apos;s conclusion:</translation>
    </message>
    <message>
        <source>形成评审结论</source>
        <translation>Conclude the audit</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>系统设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>认证机构信息、证书编号、评审委员会法定人数与用户管理</source>
        <translation>The certification body, certificate numbers, the committee quorum and the users</translation>
    </message>
    <message>
        <source>用 {year} 表示年份，{seq:05d} 表示当年的流水号（5 位，不足补零）</source>
        <translation>{year} is the year, {seq:05d} the number within the year (5 digits, zero-padded)</translation>
    </message>
    <message>
        <source>收齐多少张表决票后作出决定；多数决，平票退回</source>
        <translation>How many votes decide; the majority wins, a tie returns the case</translation>
    </message>
    <message>
        <source> 天</source>
        <translation> days</translation>
    </message>
    <message>
        <source>保存设置</source>
        <translation>Save settings</translation>
    </message>
    <message>
        <source>撤销修改</source>
        <translation>Revert</translation>
    </message>
    <message>
        <source>认证机构</source>
        <translation>Certification body</translation>
    </message>
    <message>
        <source>机构名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>英文名称</source>
        <translation>English name</translation>
    </message>
    <message>
        <source>地址</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>证书与评审</source>
        <translation>Certificates and decisions</translation>
    </message>
    <message>
        <source>证书编号格式</source>
        <translation>Certificate number pattern</translation>
    </message>
    <message>
        <source>评审委员会法定票数</source>
        <translation>Committee quorum (votes)</translation>
    </message>
    <message>
        <source>不符合项整改期限</source>
        <translation>Rectification period</translation>
    </message>
    <message>
        <source>界面语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>CNCA 上报</source>
        <translation>CNCA report</translation>
    </message>
    <message>
        <source>认证机构批准号</source>
        <translation>CNCA approval number</translation>
    </message>
    <message>
        <source>认证项目分类代码</source>
        <translation>Certification scheme code</translation>
    </message>
    <message>
        <source>服务认证领域代码</source>
        <translation>Service area code</translation>
    </message>
    <message>
        <source>实施审核的分支机构</source>
        <translation>Auditing branch</translation>
    </message>
    <message>
        <source>审核计划编号前缀</source>
        <translation>Audit plan number prefix</translation>
    </message>
    <message>
        <source>上报起始月份</source>
        <translation>Reporting from (month)</translation>
    </message>
    <message>
        <source>无分支机构时留空（填机构名称）</source>
        <translation>Empty without a branch (the body&apos;s name is reported)</translation>
    </message>
    <message>
        <source>YYYY-MM，留空表示全部历史</source>
        <translation>YYYY-MM; empty: all history</translation>
    </message>
    <message>
        <source>新增用户…</source>
        <translation>Add user…</translation>
    </message>
    <message>
        <source>设置角色…</source>
        <translation>Roles…</translation>
    </message>
    <message>
        <source>停用</source>
        <translation>Deactivate</translation>
    </message>
    <message>
        <source>重置密码…</source>
        <translation>Reset password…</translation>
    </message>
    <message>
        <source>解除登录等待</source>
        <translation>Clear login wait</translation>
    </message>
    <message>
        <source>用户与角色</source>
        <translation>Users and roles</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>角色</source>
        <translation>Roles</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>在用</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>已停用</source>
        <translation>Inactive</translation>
    </message>
    <message>
        <source>（登录需等待）</source>
        <translation> (must wait to log in)</translation>
    </message>
    <message>
        <source>已停用（登录需等待）</source>
        <translation>Inactive (must wait to log in)</translation>
    </message>
    <message>
        <source>格式无效：请使用 {year} 和 {seq}</source>
        <translation>Invalid pattern: use {year} and {seq}</translation>
    </message>
    <message>
        <source>示例：{example}</source>
        <translation>Example: {example}</translation>
    </message>
    <message>
        <source>设置已保存。</source>
        <translation>Settings saved.</translation>
    </message>
    <message>
        <source>界面语言将在下次启动时生效。</source>
        <translation>The language takes effect at the next start.</translation>
    </message>
    <message>
        <source>系统设置的修改</source>
        <translation>Changes to the settings</translation>
    </message>
    <message>
        <source>请先选择一位用户</source>
        <translation>Select a user first</translation>
    </message>
    <message>
        <source>新增一位用户并分配角色</source>
        <translation>Add a user and give them roles</translation>
    </message>
    <message>
        <source>修改所选用户的角色</source>
        <translation>Change the roles of the selected user</translation>
    </message>
    <message>
        <source>为所选用户设置新密码</source>
        <translation>Set a new password for the selected user</translation>
    </message>
    <message>
        <source>不能停用自己</source>
        <translation>You cannot deactivate yourself</translation>
    </message>
    <message>
        <source>启用</source>
        <translation>Activate</translation>
    </message>
    <message>
        <source>停用或重新启用所选用户</source>
        <translation>Deactivate or reactivate the selected user</translation>
    </message>
    <message>
        <source>所选用户无需等待即可登录</source>
        <translation>The selected user can log in without waiting</translation>
    </message>
    <message>
        <source>清除所选用户的登录失败次数与等待时间</source>
        <translation>Clear the selected user&apos;s failed logins and login wait</translation>
    </message>
    <message>
        <source>停用用户</source>
        <translation>Deactivate user</translation>
    </message>
    <message>
        <source>停用用户 {name}？停用后该用户不能登录。</source>
        <translation>Deactivate user {name}? They will no longer be able to log in.</translation>
    </message>
    <message>
        <source>重置密码</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <source>已为 {name} 设置新密码。</source>
        <translation>A new password is set for {name}.</translation>
    </message>
</context>
<context>
    <name>TaskRunner</name>
    <message>
        <source>无法完成操作</source>
        <translation>Cannot do that</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>TeamDialog</name>
    <message>
        <source>指派评审组</source>
        <translation>Assign the audit team</translation>
    </message>
    <message>
        <source>登录名：{login}</source>
        <translation>Login name: {login}</translation>
    </message>
    <message>
        <source>组长</source>
        <translation>Leader</translation>
    </message>
    <message>
        <source>组员</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>灰色的人员不能进入本案评审组（利益冲突、未签署年度公正性声明、资格过期或不具备专业能力范围），将鼠标悬停可查看原因。</source>
        <translation>People in grey may not be on this case&apos;s team (a declared interest, no impartiality declaration this year, an expired qualification or a missing competence area); hover to see why.</translation>
    </message>
    <message>
        <source> · 无资格登记</source>
        <translation> · no qualification on record</translation>
    </message>
    <message>
        <source>请选择组长</source>
        <translation>Choose the team leader</translation>
    </message>
</context>
<context>
    <name>TextDialog</name>
    <message>
        <source>回车确定，Shift+回车换行</source>
        <translation>Enter confirms, Shift+Enter starts a new line</translation>
    </message>
    <message>
        <source>请填写内容</source>
        <translation>Fill this in</translation>
    </message>
</context>
<context>
    <name>TrainingDialog</name>
    <message>
        <source>添加培训记录 — {who}</source>
        <translation>Add a training — {who}</translation>
    </message>
    <message>
        <source>添加</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>例如 GB/T 27922-2011 标准培训</source>
        <translation>e.g. GB/T 27922-2011 training</translation>
    </message>
    <message>
        <source>学时，如 16</source>
        <translation>Hours, e.g. 16</translation>
    </message>
    <message>
        <source>培训机构</source>
        <translation>Provider</translation>
    </message>
    <message>
        <source>培训日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>培训名称</source>
        <translation>Training</translation>
    </message>
    <message>
        <source>学时</source>
        <translation>Hours</translation>
    </message>
    <message>
        <source>请填写培训名称</source>
        <translation>Enter the training&apos;s title</translation>
    </message>
</context>
<context>
    <name>UiContext</name>
    <message>
        <source>无法完成操作</source>
        <translation>Cannot do that</translation>
    </message>
    <message>
        <source>正在处理…</source>
        <translation>Working…</translation>
    </message>
    <message>
        <source>正在读取…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>登录名：{login}</source>
        <translation>Login name: {login}</translation>
    </message>
</context>
<context>
    <name>UnsavedDialog</name>
    <message>
        <source>尚未保存的修改</source>
        <translation>Unsaved changes</translation>
    </message>
    <message>
        <source>以下内容尚未保存：
{items}

{going}之前要保存吗？</source>
        <translation>These changes are not saved yet:
{items}

Save them before: {going}?</translation>
    </message>
    <message>
        <source>以下内容尚未提交：
{items}

{going}将丢弃这些内容。</source>
        <translation>These have not been submitted:
{items}

{going} will discard them.</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>不保存</source>
        <translation>Discard</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>UserDialogs</name>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>WitnessedAuditDialog</name>
    <message>
        <source>添加见证评价 — {who}</source>
        <translation>Add a witnessed audit — {who}</translation>
    </message>
    <message>
        <source>添加</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>见证人姓名及资格</source>
        <translation>The witness&apos;s name and qualification</translation>
    </message>
    <message>
        <source>本系统中的案件编号（可不填）</source>
        <translation>Case number in this database (optional)</translation>
    </message>
    <message>
        <source>见证日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>见证人</source>
        <translation>Witness</translation>
    </message>
    <message>
        <source>结论</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <source>案件</source>
        <translation>Case</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>请填写见证人</source>
        <translation>Enter the witness</translation>
    </message>
</context>
<context>
    <name>_Dialog</name>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>_Form</name>
    <message>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>正在更新证书状态…</source>
        <translation>Updating certificate statuses…</translation>
    </message>
</context>
</TS>
