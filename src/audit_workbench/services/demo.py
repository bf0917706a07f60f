"""Demo data: a fictitious certification body with three years of history, built through the services.

`build_demo` fills an empty database so that a newcomer can log in and find cases in every state of
the pipeline. Nothing is written to the store directly: every record is made by the same use-case
calls the GUI and the command line make, so each has its events in the hash-chained log and every
rule (roles, states, independence of the committee, scoring) is honoured. The history is made with
a moving clock: each case is a script of dated steps, and the scripts run interleaved in date order,
so case and certificate numbers follow the calendar and the event log reads forward in time.
"""

from __future__ import annotations

import heapq
import random
import tempfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from ..core import creditcode
from ..core.datafiles import resources_dir
from ..core.errors import Refused
from ..core.people import resident_id_check_character
from ..core.policy import Role
from ..core.rubric import Indicator, Rubric
from ..core.scoring import points_from_sample
from ..core.workflow import CaseKind, CaseState
from .base import Actor, Services
from .grants import record_as_setup
from .users import UserView
from .views import CaseDetail

DEMO_PASSWORD = "demo-pass-2026"
HALF = Decimal("0.5")
BEIJING = timedelta(hours=8)  # office hours are Beijing time; the store keeps UTC


@dataclass(frozen=True)
class DemoUser:
    name: str
    roles: tuple[str, ...]
    password: str


@dataclass(frozen=True)
class DemoCase:
    case_no: str
    status: str


@dataclass(frozen=True)
class DemoResult:
    users: tuple[DemoUser, ...]
    cases: tuple[DemoCase, ...]


# -- the certification body and its people -----------------------------------------------------------

BODY = {
    "body_name": "华衡服务认证中心有限公司",
    "body_name_en": "Huaheng Service Certification Centre Co., Ltd.",
    "body_address": "北京市海淀区学院路30号华衡科技大厦8层（邮编100083）",
    # what CNCA's monthly report needs of the body (a made-up approval number)
    "cnca_approval_no": "CNCA-R-2017-321",
    "cnca_project_code": "C02",
    "cnca_service_area": "S03",
    "cnca_plan_prefix": "R032101",
}

CONTACTS = ("周", "吴", "郑", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗")

# Each demo organisation's industry (GB/T 4754-2017 class) and telephone, for CNCA's report.
INDUSTRY: dict[str, tuple[str, str]] = {
    "沈阳北垦农机装备有限公司": ("3572", "024-23786655"),
    "青岛海岳电器制造有限公司": ("3851", "0532-85891234"),
    "上海申凉空调安装维修服务有限公司": ("8122", "021-58861230"),
    "天津绿驰电动车有限公司": ("3770", "022-59876543"),
    "杭州栖木家居有限公司": ("2110", "0571-88231456"),
    "宁波甬佳小家电有限公司": ("3856", "0574-63218877"),
    "杭州优选汇电子商务有限公司": ("5292", "0571-86709900"),
    "厦门鹭岛优品跨境电商有限公司": ("5292", "0592-5123789"),
    "长沙麓山厨卫电器销售有限公司": ("5271", "0731-84456123"),
    "武汉江城电梯工程有限公司": ("4910", "027-82765432"),
    "深圳金缕珠宝首饰有限公司": ("5245", "0755-25561234"),
    "广州粤厨厨电科技有限公司": ("3856", "020-82221456"),
    "苏州净源净水设备有限公司": ("3463", "0512-68012345"),
    "成都蓉城汽车销售服务有限公司": ("5261", "028-87761234"),
    "北京智联家电连锁有限公司": ("5271", "010-62451234"),
    "合肥皖能热水器有限公司": ("3855", "0551-63321456"),
    "重庆渝驰摩托车制造有限公司": ("3751", "023-65512345"),
}

# (user name, display name, roles); the first is the administrator made by `create_first_admin`.
USERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("admin", "王建国", ("admin",)),
    ("zhangwei", "张伟", ("clerk",)),
    ("lina", "李娜", ("clerk",)),
    ("wangfang", "王芳", ("auditor",)),
    ("liuyang", "刘洋", ("auditor",)),
    ("chenjing", "陈静", ("auditor",)),
    ("zhaolei", "赵磊", ("auditor", "committee")),
    ("zhouqiang", "周强", ("auditor", "committee")),
    ("sunli", "孙丽", ("committee",)),
    ("huangmin", "黄敏", ("auditor",)),
    # a second administrator: with two, an admin's grant of admin or committee (or to himself)
    # waits for the other's approval (`user approve`)
    ("qianhui", "钱慧", ("admin",)),
)


@dataclass(frozen=True)
class _Person:
    """A demo auditor's record: qualification, CCAA registration, resident identity number (the first
    17 digits, fictitious; the check character is computed), full-time or not, how long the
    registration runs (days from today) and the competence areas."""

    qualification: str
    registration: str
    id17: str
    full_time: bool
    valid_from: int
    valid_until: int
    areas: tuple[str, ...]


PEOPLE: dict[str, _Person] = {
    "wangfang": _Person(
        "senior", "2014-N1SC-1102358", "11010819780514262", True, -1400, 820, ("production", "sales")
    ),
    "liuyang": _Person(
        "auditor", "2018-N2SC-1205417", "37021219850923151", True, -1300, 640, ("production", "sales")
    ),
    "chenjing": _Person(
        "senior",
        "2012-N1SC-1009862",
        "31011519790302244",
        True,
        -1500,
        1010,
        ("production", "sales", "gbt27922-2011"),
    ),
    "zhaolei": _Person(
        "auditor", "2017-N2SC-1187730", "51010719830611293", True, -1350, 560, ("production", "sales")
    ),
    "zhouqiang": _Person(
        "senior", "2011-N1SC-0995174", "44030319751108357", False, -1600, 75, ("production", "sales")
    ),
    "huangmin": _Person("trainee", "2025-N3SC-1466021", "32050619980217342", True, -200, 530, ()),
}

# Trainings (person, days from today, title, hours, provider) and the audit at which the trainee's
# leader observed the trainee is recorded with the case (see _Plan.witness).
TRAININGS: tuple[tuple[str, int, str, str, str], ...] = (
    (
        "wangfang",
        -1110,
        "GB/T 27922-2011《商品售后服务评价体系》标准及认证实施规则",
        "16",
        "中国认证认可协会",
    ),
    (
        "chenjing",
        -1110,
        "GB/T 27922-2011《商品售后服务评价体系》标准及认证实施规则",
        "16",
        "中国认证认可协会",
    ),
    (
        "zhouqiang",
        -1110,
        "GB/T 27922-2011《商品售后服务评价体系》标准及认证实施规则",
        "16",
        "中国认证认可协会",
    ),
    ("liuyang", -1110, "GB/T 27922-2011《商品售后服务评价体系》标准及认证实施规则", "16", "中国认证认可协会"),
    ("zhaolei", -1110, "GB/T 27922-2011《商品售后服务评价体系》标准及认证实施规则", "16", "中国认证认可协会"),
    ("wangfang", -420, "认证机构公正性管理与利益冲突识别", "4", "本机构质量部"),
    ("chenjing", -420, "认证机构公正性管理与利益冲突识别", "4", "本机构质量部"),
    ("huangmin", -190, "服务认证审核员实习培训", "40", "中国认证认可协会"),
)

# Declared interests (person, credit code's first 17, kind, from, to (days from today), risk,
# mitigation, approved by, declared on (day)): a consultancy that bars a consultant from an
# applicant's case, a medium risk awaiting approval, an approved one, and a high-risk shareholding.
INTERESTS: tuple[tuple[str, str, str, int, int | None, str, str, str, int], ...] = (
    ("chenjing", "91340104MA2U6RD1H", "consultant", -1000, -420, "high", "", "", -1120),
    ("liuyang", "91110108MA01G7XK3", "financial", -700, None, "medium",
     "本人配偶持有该公司0.5%股份，已书面承诺在本人参与评审期间不增持、不减持，并由质量部门监督", "", -13),
    ("sunli", "91440113MA9W3G6K8", "family", -2000, None, "medium",
     "表姐在该公司生产部门任技术员，不涉及售后服务管理；表决前向评审委员会主任书面说明", "admin", -40),
    ("zhouqiang", "91440113MA9W3G6K8", "financial", -1500, None, "high", "", "", -40),
)  # fmt: skip


# Complaints and appeals (kind, complainant, text, about the certificate of (credit code's first 17),
# received (day), acknowledged (day or None), investigator, resolution (None: still open)), and an
# appeal against a suspension before its panel: one complaint handled, one still under investigation,
# one received and not yet acknowledged (past its 5 working days, on the dashboard).
COMPLAINTS: tuple[tuple[str, str, str, str | None, int, int | None, str | None, str | None], ...] = (
    ("certificate_misuse", "天津市消费者 赵女士",
     "证书已被撤销，但该公司门店仍张贴认证标志并在宣传册中使用“四星级售后服务认证”字样",
     "91120116MA05TQ8N4", -40, -38, "zhaolei", None),
    ("auditor_behaviour", "杭州优选汇电子商务有限公司 质量部",
     "现场评审时评审员多次接听私人电话，末次会议推迟一小时开始",
     "91330106MA27YR4E8", -150, -149, "wangfang",
     "经调查属实：已对评审员进行提醒谈话并纳入年度绩效考核，机构重申现场评审纪律，并向投诉人书面致歉"),
    ("other", "匿名", "咨询认证证书查询网址无法打开", None, -12, None, None, None),
)  # fmt: skip
APPEAL = (
    "91330110MA2CX5GK6",
    -20,
    "我公司已于暂停前两周书面申请将第一次年度监督审核推迟至生产淡季，并收到机构业务人员的口头同意，"
    "暂停决定未考虑上述沟通记录，请求撤销暂停决定",
    ("zhaolei", "liuyang"),
    -18,
)


# -- what the auditors saw: notes by indicator name ----------------------------------------------------


@dataclass(frozen=True)
class _Note:
    good: str  # full marks
    weak: str  # points lost
    fix: str = ""  # the corrective action when a nonconformity is raised on it
    sample: tuple[str, str, str] | None = None  # (what was sampled, counting word, the defect found)
    evidence: str = ""


_GENERIC_FIX = "已修订相关制度并组织培训，补充完善记录"
SPECIAL_FIX = (
    "已对涉事顾客全额赔付并书面致歉，修订上门安装时限管控流程并增设超时预警；评审组抽查近三个月安装记录"
)
GRADE_ZH = {"five_star": "五星级", "four_star": "四星级", "three_star": "三星级", "qualified": "达标级"}

NOTES: dict[str, _Note] = {
    "服务理念": _Note(
        "服务理念“用户至上、服务到家”写入《员工手册》并在服务大厅公示，随机询问5名员工均能准确表述",
        "服务理念已成文，但随机询问6名一线员工中有2人不能表述，2个网点未公示",
        "在全部网点公示服务理念，组织一线员工专题学习并考核，复查10人均能表述",
        evidence="拍照：服务大厅服务理念及服务承诺公示牌",
    ),
    "服务承诺": _Note(
        "服务承诺（24小时响应、48小时上门）在官网、说明书和三包凭证中表述一致，抽查兑现记录符合",
        "服务承诺已公示，但官网与三包凭证中的上门时限表述不一致（24小时/48小时）",
        "统一修订官网、说明书和三包凭证中的承诺条款，建立承诺兑现月度统计",
        evidence="复印：三包凭证样张与官网服务承诺页面截图",
    ),
    "服务策略": _Note(
        "年度售后服务方案经总经理批准，明确自营网点与委托网点分工及旺季保障措施",
        "有年度服务方案，但未针对促销旺季制定服务力量保障措施",
        "补充旺季服务保障预案，明确临时增援人员和备件储备",
    ),
    "服务目标": _Note(
        "设定满意度≥95%、回访率100%等量化目标并分解到部门，月度统计完成情况",
        "设定了年度服务目标，但未分解到网点，未对未达标项进行原因分析",
        "将年度目标分解到各网点并纳入考核，对未达标项开展原因分析",
    ),
    "服务规范": _Note(
        "《售后服务规范》覆盖接待用语、上门着装、作业规范和收费标准，现场观察接待符合规范",
        "服务规范缺少上门服务行为要求，现场观察1名服务人员上门未穿鞋套",
        "修订《上门服务行为规范》，增加着装、鞋套和工完场清要求并培训全体服务人员",
    ),
    "服务流程": _Note(
        "服务流程图清晰，报修—派工—上门—回访各环节在系统中均有记录",
        "服务流程已建立，但部分工单派工和完工时间记录缺失",
        "在服务系统中设置派工、完工时间为必填项，并对派工员进行培训",
        ("服务工单", "份", "流程节点记录缺失"),
    ),
    "服务监督与奖惩": _Note(
        "设立服务监督岗，每月开展神秘顾客检查，考核结果与绩效挂钩并兑现",
        "有奖惩制度，但近半年未见考核兑现记录",
        "补充季度考核兑现记录，明确考核结果与绩效工资挂钩比例",
    ),
    "服务制度管理": _Note(
        "服务制度文件受控，有发布、修订记录，现行版本为最新修订版",
        "2个网点仍在使用作废版本的服务制度，文件发放记录不全",
        "收回作废版本，建立文件发放登记台账",
    ),
    "组织管理": _Note(
        "设有售后服务部，组织机构图与岗位职责清晰，服务经理直接向总经理汇报",
        "售后服务部与销售部职责交叉，投诉处理归口不清",
        "修订部门职责说明书，明确投诉处理归口售后服务部",
    ),
    "服务网点": _Note(
        "自营及授权服务网点覆盖全部销售区域，网点信息在官网公示",
        "个别授权网点的授权协议过期未续签",
        "完成过期网点的授权续签，在网点管理台账中设置到期提醒",
        ("服务网点", "家", "公示信息不全或授权已过期"),
        "拍照：授权服务网点门头及服务价目公示",
    ),
    "人员配置": _Note(
        "售后服务人员数量与服务量匹配，配备持证售后服务管理师3名",
        "部分维修人员未取得相应上岗资格证",
        "组织相关人员参加资格培训取证，取证前不安排单独上岗",
        ("售后服务人员档案", "份", "缺少上岗资格证明"),
        "复印：售后服务管理师证书及人员花名册",
    ),
    "业务培训": _Note(
        "年度培训计划已执行，新员工岗前培训考核合格后上岗",
        "培训计划执行率约80%，部分培训无效果评价",
        "补充培训效果评价，调整培训计划并跟踪执行",
        ("员工培训记录", "份", "缺少考核成绩"),
    ),
    "服务投入": _Note(
        "售后服务专项预算约占销售额2%，配有服务车辆和备件库",
        "未单独列支售后服务预算，服务投入无法统计",
        "在年度预算中单列售后服务费用科目并按月统计",
    ),
    "商品包装": _Note(
        "包装经跌落和运输试验，储运标识清晰，抽看成品库包装完好",
        "部分产品外包装缺少防潮、堆码层数标识",
        "修订包装作业指导书，补齐外包装储运标识",
    ),
    "配送服务": _Note(
        "配送时限和范围明示，送货前电话预约，签收记录完整",
        "偏远乡镇配送多次超出承诺时限",
        "调整偏远地区配送线路并与第三方物流签订时效条款",
        ("送货签收单", "份", "超出承诺时限送达"),
    ),
    "配送": _Note(
        "明示配送范围、时限和收费，送货前确认并当面开箱验货",
        "部分订单未按约定时间送达，未提前告知顾客",
        "与承运商签订时效考核协议，延误订单主动致电顾客说明",
        ("送货单", "份", "未按约定时间送达"),
    ),
    "安装调试": _Note(
        "安装人员持证上岗，安装后现场调试并向顾客讲解使用方法",
        "部分安装验收单无顾客签字，安装后未讲解使用方法",
        "修订安装验收单，增加使用讲解和顾客签字确认栏",
        ("安装验收单", "份", "缺少顾客签字确认"),
        "拍照：现场安装作业及安装验收单",
    ),
    "维修保障": _Note(
        "保修期内免费维修，备件供应期不少于停产后8年，维修时限符合承诺",
        "个别维修超出承诺时限且未向顾客提供备用机",
        "建立超时维修预警，超时未修复时提供备用机或按规定换货",
        ("维修工单", "份", "未在承诺时限内修复"),
    ),
    "维修设施": _Note(
        "维修中心配备检测台和专用工具，计量器具均在校准有效期内",
        "1台绝缘电阻测试仪超过校准有效期",
        "送检超期计量器具，建立计量器具台账和到期提醒",
        evidence="拍照：维修中心检测台及计量器具校准标签",
    ),
    "技术支持": _Note(
        "设有技术支持热线和故障知识库，向网点发放维修手册和技术通报",
        "技术通报未覆盖全部授权网点",
        "建立技术通报发放签收机制，覆盖全部授权网点",
    ),
    "投诉渠道": _Note(
        "设有400热线、官网和微信公众号投诉渠道，并在说明书和三包凭证中明示",
        "投诉电话未在三包凭证上标注",
        "在三包凭证和说明书中增加投诉电话",
    ),
    "投诉记录": _Note(
        "投诉逐条登记，受理、处理和反馈信息完整",
        "部分投诉登记未记录处理结果和顾客反馈",
        "完善投诉登记表，增加处理结果和顾客确认栏",
        ("投诉登记", "条", "处理结果未记录"),
    ),
    "投诉处理": _Note(
        "投诉均在承诺时限内处理并回访，重大投诉有升级处理记录",
        "部分投诉超过承诺时限办结",
        "建立投诉超时预警和升级机制，每周通报投诉办结情况",
        ("投诉处理单", "份", "超过承诺时限办结"),
        "复印：近一年投诉处理台账及典型投诉处理单",
    ),
    "沟通渠道": _Note(
        "通过热线、微信和用户座谈会与顾客沟通，定期发布服务信息",
        "顾客意见收集渠道单一，仅依靠电话回访",
        "增加微信问卷和门店意见簿等收集渠道",
    ),
    "客户关系": _Note(
        "建立客户档案，按规定回访并开展年度满意度调查",
        "回访记录内容简单，未记录顾客意见",
        "修订回访话术和记录表，要求记录顾客意见",
        ("回访记录", "条", "回访内容不完整"),
    ),
    "产品改进": _Note(
        "售后质量信息每月反馈研发部门，近一年2项设计改进已落实",
        "售后故障数据未形成反馈报告，产品改进依据不足",
        "建立售后质量信息月报，反馈研发和质量部门",
    ),
    "服务改进": _Note(
        "每季度分析满意度调查结果，制定并验证改进措施",
        "有满意度调查，但未针对低分项制定改进措施",
        "针对满意度低分项制定改进计划并跟踪验证",
    ),
    "管理改进": _Note(
        "每年开展售后服务体系内部评审，管理评审输出已落实",
        "售后服务体系未纳入年度管理评审",
        "将售后服务体系纳入管理评审并形成评审报告",
    ),
    "质量保证": _Note(
        "三包凭证内容符合规定，质保期和保修范围明确并兑现",
        "部分三包凭证的保修条款与厂家承诺不一致",
        "按厂家保修政策统一修订三包凭证",
        ("三包凭证", "份", "保修条款与承诺不一致"),
    ),
    "产品退换货": _Note(
        "退换货规定公示，办理时限符合承诺，台账完整",
        "部分退换货超过规定时限办结",
        "明确退换货办理时限并纳入门店考核",
        ("退换货单", "份", "超过规定时限办结"),
    ),
    "维修网点设置": _Note(
        "自设及特约维修网点覆盖经营区域，网点清单对外公示",
        "个别特约维修网点授权协议已过期",
        "完成特约网点协议续签并建立到期提醒",
        ("特约维修网点", "家", "授权协议已过期"),
    ),
    "组织架构": _Note(
        "设有专门的售后服务部门，委托网点签有协议并按季度考核",
        "委托网点的考核记录不完整",
        "补充委托网点季度考核记录，考核结果与结算挂钩",
    ),
    "资源配置": _Note(
        "售后服务专项资金到位，顾客信息管理系统可追溯服务全过程",
        "备件储备不足，部分常用备件需跨省调拨",
        "建立区域备件中心，按月盘点常用备件库存",
        evidence="系统演示：顾客信息管理系统服务工单全过程查询",
    ),
    "规范要求": _Note(
        "《售后服务手册》覆盖制度、流程、标准和时限，收费标准对外公示",
        "适用法律法规清单未及时更新",
        "更新适用法律法规和标准清单，并组织员工学习",
    ),
    "监督": _Note(
        "设有独立的服务监督岗位，定期回访、巡查并兑现奖惩",
        "监督检查发现的问题未全部跟踪闭环",
        "建立问题整改台账，逐项跟踪至关闭",
    ),
    "改进": _Note(
        "定期统计分析服务数据，质量信息反馈到采购和商品选品环节",
        "改进措施未验证效果",
        "对改进措施实施效果进行验证并记录",
    ),
    "服务文化": _Note(
        "服务理念、承诺和目标明确，员工访谈能准确表述，承诺兑现统计完整",
        "服务目标缺少量化指标，部分员工不了解服务承诺",
        "补充量化服务目标并组织全员学习服务承诺",
    ),
    "商品信息": _Note(
        "商品详情页明示售后服务政策、保修期和服务热线，说明书使用规范中文",
        "部分商品详情页未标注保修期和服务热线",
        "梳理全部在售商品详情页，补充保修期和服务热线信息",
    ),
    "维修": _Note(
        "维修服务按承诺时限完成，更换配件有来源记录",
        "部分维修记录未记录更换配件来源",
        "完善维修记录表，增加配件来源和批号栏",
        ("维修记录", "份", "未记录更换配件来源"),
    ),
    "废弃商品回收": _Note(
        "与有资质的回收企业签订协议，开展以旧换新并公示回收渠道",
        "回收渠道未向顾客公示",
        "在官网和订单页面公示废旧商品回收渠道",
    ),
    "顾客关系": _Note(
        "建立顾客档案，开展满意度调查和会员关怀活动",
        "回访覆盖率不足，部分顾客意见未记录",
        "提高回访覆盖率并完整记录顾客意见",
        ("顾客回访记录", "条", "未记录顾客意见"),
    ),
}

# What the document review found, by rubric category name: (when it passes, when it asks for revision).
FINDINGS: dict[str, tuple[str, str]] = {
    "服务文化": ("服务理念、服务承诺和服务目标已形成文件", "未提供服务目标的量化指标及分解文件"),
    "服务制度": ("《售后服务管理制度》及服务流程文件齐全并受控", "服务流程文件缺少投诉升级处理流程"),
    "服务体系": ("组织机构图及售后服务组织机构图清晰，岗位职责明确", "服务网点清单未注明委托网点的授权期限"),
    "配送安装": ("配送、安装作业指导书齐全", "未提供委托配送单位的服务协议"),
    "维修服务": ("维修服务规范和备件管理制度齐全", "维修收费标准未形成公示文件"),
    "客户投诉": ("投诉处理程序规定了受理、处理和反馈时限", "投诉处理程序未规定处理时限"),
    "客户管理": ("客户档案和回访制度已建立", "顾客满意度调查方法未形成文件"),
    "服务改进": ("有年度服务改进计划和管理评审记录", "未提供近一年的服务数据分析报告"),
    "产品保证": ("三包凭证和退换货规定符合相关法规", "退换货规定与《部分商品修理更换退货责任规定》不一致"),
    "售后服务体系": ("售后服务体系文件覆盖组织、人员、资源和监督改进", "未提供售后服务管理师资格证明"),
    "商品服务": ("商品信息、配送、维修和质量保证文件齐全", "废弃商品回收未形成书面制度"),
    "顾客服务": ("顾客关系管理和投诉处理制度完整", "投诉处理记录表格未包含顾客确认栏"),
}


# -- the applicants ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Company:
    name: str
    code17: str  # 9 (enterprise) 1 (company) + area code + 9 characters; the check character is added
    etype: str
    headcount: int
    founded: int
    products: str
    scope: str
    address: str
    doc: str  # the sample service-system document it submits (resources/demo)
    rubric: str | None = None

    @property
    def credit_code(self) -> str:
        return creditcode.complete(self.code17)


DOC_OFFICE = "售后服务部管理制度.txt"
DOC_STATIONS = "客户服务站管理办法.txt"
DOC_AIRCON = "空调维修服务管理制度.txt"

NA_INSTALL_JEWELRY = "珠宝首饰为即购即用商品，门店当面交付，无需安装调试"
NA_INSTALL_SMALL = "电饭煲、电水壶等小家电即插即用，无需上门安装调试"

# A surveillance audit's visit is this many days before the certificate's surveillance falls due.
SURVEILLANCE_LEAD = 45


@dataclass(frozen=True)
class _Plan:
    """One applicant's story: how far its case goes and what happens on the way."""

    company: _Company
    until: CaseState
    start: int  # the day of the application, counted from today (negative)
    clerk: str = "zhangwei"
    team: tuple[str, ...] = ()  # leader first
    target: str = ""  # the base score the auditors' points aim at
    expect: str | None = None  # the recommended grade that must come out of it
    not_applicable: tuple[tuple[str, str], ...] = ()
    revise: bool = False  # the first document review asks for revision
    deduction: str = ""
    bonus: str = ""
    votes: tuple[tuple[str, str, str, str | None], ...] = ()  # (member, decision, comment, grade)
    rescore: tuple[str, int, int, str] | None = None  # after a return: (code, sampled, nonconforming, note)
    reason: str = ""  # for reject / withdraw
    override: tuple[str, str] | None = None  # (on-site days, reason)
    partial: bool = False  # on site: only the first day's scoring is done
    open_nc: bool = False  # on site: a nonconformity is still open (awaiting rectification)
    suspend: tuple[int, str, str] | None = None  # certificate: (day, reason code, reason)
    withdraw_certificate: tuple[int, str, str] | None = None  # (day, reason code, reason)
    witness: tuple[str, str] | None = None  # on site: (the person observed, by whom) — a witnessed audit
    # after certification, a recorded change of the organisation that re-issues its certificate:
    # (day, new name, new address or "", reason, days before `day` it took effect)
    change: tuple[int, str, str, str, int] | None = None
    contact: str = ""  # the contact person the application gives
    # the base score its surveillance audits aim at ("": the initial audit's target)
    surveillance_target: str = ""


S = CaseState

# fmt: off
PLANS: tuple[_Plan, ...] = (
    _Plan(
        _Company("沈阳北垦农机装备有限公司", "91210112MA0P4K7R2", "production", 260, 2009,
                 "方草捆打捆机、圆草捆打捆机、秸秆收获机械",
                 "方草捆打捆机、圆草捆打捆机的售后服务（配送、安装调试、维修、配件供应、操作培训）",
                 "辽宁省沈阳市浑南区创新路158号", DOC_STATIONS),
        S.certified, -1095, clerk="zhangwei", team=("wangfang", "liuyang"), target="84.5", expect="three_star",
        votes=(("sunli", "approve", "评审过程规范，证据充分，同意推荐为三星级", None),),
        contact="售后服务部 周经理 024-23786655",
        change=(-40, "沈阳北垦农业装备股份有限公司", "",
                "股份制改造后更名，已换发营业执照（统一社会信用代码不变），获证组织书面申请证书变更", 12),
    ),
    _Plan(
        _Company("青岛海岳电器制造有限公司", "91370212264583917", "production", 1800, 1994,
                 "家用电冰箱、洗衣机、空调器",
                 "家用电冰箱、洗衣机、空调器的售后服务（配送、安装、维修、退换货、客户服务）",
                 "山东省青岛市崂山区株洲路77号", DOC_AIRCON),
        S.certified, -960, clerk="lina", team=("liuyang", "chenjing", "zhaolei"), target="96", expect="five_star",
        bonus="被评为省级“售后服务示范企业”，并建立覆盖全省的废旧家电回收网络",
        override=("12", "多场所组织，按抽样方案抽取总部及4个服务中心，经技术负责人批准核减现场审查人日"),
        votes=(("zhouqiang", "approve", "服务体系完善，特别加分项证据充分，同意五星级", None),),
        witness=("zhaolei", "陈静（高级审核员，组内见证）"),
    ),
    _Plan(
        _Company("上海申凉空调安装维修服务有限公司", "91310115MA1H8LQ3X", "sales", 85, 2012,
                 "家用及商用空调",
                 "家用及商用空调的销售、安装、维修与保养服务",
                 "上海市浦东新区张杨路1250号", DOC_AIRCON),
        S.certified, -790, clerk="zhangwei", team=("chenjing", "wangfang"), target="96.5", expect="five_star",
        votes=(("zhaolei", "lower", "投诉处理记录的完整性与五星级要求仍有差距，建议降为四星级", "four_star"),),
        surveillance_target="93",
    ),
    _Plan(
        _Company("天津绿驰电动车有限公司", "91120116MA05TQ8N4", "production", 950, 2011,
                 "电动自行车、电动三轮车",
                 "电动自行车、电动三轮车的售后服务（配送、维修、配件供应、客户服务）",
                 "天津市滨海新区津塘公路九号桥工业园8号", DOC_STATIONS),
        S.certified, -700, clerk="lina", team=("chenjing", "liuyang"), target="92.5", expect="four_star",
        votes=(("zhouqiang", "approve", "同意四星级", None),),
        suspend=(-150, "0111", "监督审核发现售后服务网点由42家缩减至15家，服务能力已不满足认证要求，暂停证书并限期三个月整改"),
        withdraw_certificate=(-55, "0115", "暂停期满未完成整改，依据认证合同撤销证书"),
    ),
    _Plan(
        _Company("杭州栖木家居有限公司", "91330110MA2CX5GK6", "production", 420, 2015,
                 "实木家具、定制橱柜和衣柜",
                 "实木家具、定制橱柜和衣柜的售后服务（配送、安装、维修、客户服务）",
                 "浙江省杭州市余杭区良渚街道好运路36号", DOC_OFFICE),
        S.certified, -620, clerk="zhangwei", team=("wangfang", "zhouqiang"), target="75", expect="qualified",
        deduction="近一年内发生经市场监管部门查实的服务承诺未兑现事件（承诺48小时上门安装，实际延误7天）",
        votes=(("sunli", "approve", "特别扣分项已整改关闭，同意达标级", None),),
        suspend=(-25, "0199", "获证组织未在规定期限内接受第一次年度监督审核，经书面催告仍未安排，暂停证书"),
    ),
    _Plan(
        _Company("宁波甬佳小家电有限公司", "91330282MA2H6B8U5", "production", 180, 2016,
                 "电饭煲、电水壶、电吹风",
                 "电饭煲、电水壶、电吹风等小家电的售后服务（维修、退换货、客户服务）",
                 "浙江省慈溪市观海卫镇工业园区东区18号", DOC_OFFICE),
        S.not_certified, -360, clerk="zhangwei", team=("wangfang", "chenjing"), target="64", expect=None,
        not_applicable=(("4.3", NA_INSTALL_SMALL),),
        votes=(("sunli", "reject", "现场评审总分未达到达标级（70分），不予认证", None),),
    ),
    _Plan(
        _Company("杭州优选汇电子商务有限公司", "91330106MA27YR4E8", "sales", 320, 2017,
                 "家居日用品、小家电、母婴用品",
                 "网络零售（家居日用品、小家电、母婴用品）的售后服务（配送、退换货、维修、客户服务）",
                 "浙江省杭州市西湖区文三路398号", DOC_OFFICE, rubric="gbt27922-2011"),
        S.certified, -275, clerk="lina", team=("zhaolei", "chenjing"), target="93", expect="four_star",
        votes=(
            ("sunli", "return", "投诉处理指标抽样量不足，请评审组扩大抽样后重新评分", None),
            ("zhouqiang", "approve", "补充抽样后证据充分，同意四星级", None),
        ),
        rescore=("3.2", 30, 3, "扩大抽样：抽查投诉处理单30份，3份超过承诺时限办结"),
    ),
    _Plan(
        _Company("厦门鹭岛优品跨境电商有限公司", "91350206MA8RB3LT0", "sales", 25, 2024,
                 "美妆、保健食品", "跨境电商零售（美妆、保健食品）的售后服务",
                 "福建省厦门市湖里区象屿路97号", DOC_OFFICE),
        S.rejected, -200, clerk="zhangwei",
        reason="申请人成立不足一年，尚未形成完整的售后服务运行记录，不符合申请条件",
    ),
    _Plan(
        _Company("长沙麓山厨卫电器销售有限公司", "91430104MA4Q9NX72", "sales", 70, 2014,
                 "吸油烟机、燃气灶、热水器", "厨卫电器销售的售后服务（配送、安装、维修）",
                 "湖南省长沙市岳麓区麓谷大道627号", DOC_AIRCON),
        S.withdrawn, -130, clerk="lina", team=("chenjing",),
        reason="申请人因集团内部重组，书面申请撤回认证申请",
    ),
    _Plan(
        _Company("武汉江城电梯工程有限公司", "91420102MA4KU7C3P", "sales", 210, 2008,
                 "乘客电梯、自动扶梯", "电梯安装、改造、维修保养服务",
                 "湖北省武汉市江岸区解放大道1688号", DOC_OFFICE, rubric="gbt27922-2011"),
        S.onsite_audit, -95, clerk="zhangwei", team=("zhouqiang", "chenjing"), target="89", open_nc=True,
    ),
    _Plan(
        _Company("深圳金缕珠宝首饰有限公司", "91440303MA5F2W9D1", "sales", 150, 2013,
                 "黄金、铂金、钻石镶嵌首饰",
                 "黄金、铂金及钻石镶嵌首饰零售的售后服务（清洗保养、维修、退换货、回购）",
                 "广东省深圳市罗湖区贝丽北路水贝珠宝大厦12楼", DOC_OFFICE),
        S.approved, -62, clerk="lina", team=("liuyang", "zhouqiang"), target="82.5", expect="three_star",
        not_applicable=(("5.2", NA_INSTALL_JEWELRY),),
        votes=(("sunli", "approve", "同意三星级", None),),
    ),
    _Plan(
        _Company("广州粤厨厨电科技有限公司", "91440113MA9W3G6K8", "production", 560, 2010,
                 "吸油烟机、燃气灶、消毒柜", "吸油烟机、燃气灶、消毒柜的售后服务（配送、安装、维修、清洗保养）",
                 "广东省广州市番禺区南村镇兴业大道66号", DOC_AIRCON),
        S.committee_review, -55, clerk="zhangwei", team=("chenjing", "zhaolei"), target="88", expect="three_star",
    ),
    _Plan(
        _Company("苏州净源净水设备有限公司", "91320506MA1Y8FP4C", "production", 130, 2014,
                 "家用净水器、商用直饮水机", "家用净水器、商用直饮水机的售后服务（安装、滤芯更换、维修）",
                 "江苏省苏州市吴中区木渎镇金枫南路1088号", DOC_OFFICE),
        S.onsite_audit, -30, clerk="lina", team=("wangfang", "liuyang"), target="90", partial=True,
    ),
    _Plan(
        _Company("成都蓉城汽车销售服务有限公司", "91510107MA6C4JT9R", "sales", 95, 2010,
                 "乘用车", "乘用车销售的售后服务（维修保养、配件供应、客户服务）",
                 "四川省成都市武侯区武侯大道顺江段77号", DOC_OFFICE),
        S.document_review, -20, clerk="zhangwei", team=("liuyang", "huangmin"), revise=True,
    ),
    _Plan(
        _Company("北京智联家电连锁有限公司", "91110108MA01G7XK3", "sales", 45, 2016,
                 "家用电器", "家用电器连锁零售的售后服务（配送、安装、退换货、维修）",
                 "北京市海淀区中关村大街19号", DOC_OFFICE),
        S.accepted, -14, clerk="lina",
    ),
    _Plan(
        _Company("合肥皖能热水器有限公司", "91340104MA2U6RD1H", "production", 240, 2012,
                 "燃气热水器、电热水器、空气能热水器", "燃气热水器、电热水器、空气能热水器的售后服务（配送、安装、维修）",
                 "安徽省合肥市蜀山区经济开发区湖光路15号", DOC_AIRCON),
        S.submitted, -6, clerk="zhangwei",
    ),
    _Plan(
        _Company("重庆渝驰摩托车制造有限公司", "91500112MA60K2YB9", "production", 680, 2007,
                 "两轮摩托车、电动摩托车", "两轮摩托车、电动摩托车的售后服务（配送、维修、配件供应、客户服务）",
                 "重庆市渝北区空港工业园区双凤路9号", DOC_STATIONS),
        S.draft, -3, clerk="lina",
    ),
)
# fmt: on


# Application forms that read the same for every applicant (items of the materials checklist).
COMMON_FILES: dict[int, tuple[str, str]] = {
    5: ("适用法律法规及标准清单.txt", (
        "《中华人民共和国消费者权益保护法》\n《中华人民共和国产品质量法》\n《部分商品修理更换退货责任规定》\n"
        "GB/T 27922-2011 商品售后服务评价体系\nGB/T 19001-2016 质量管理体系 要求\n"
    )),
    7: ("组织机构图.txt", "总经理\n├─ 销售部\n├─ 质量部\n└─ 售后服务部\n   ├─ 客户服务中心（400热线）\n   ├─ 维修中心\n   └─ 网点管理科\n"),
    8: ("售后服务网点清单.txt", "售后服务网点清单（自营网点与授权网点：名称、地址、电话、负责人、授权期限）\n"),
    9: ("商品销售方式说明.txt", "商品通过直营门店、经销商和线上渠道销售，销售合同和三包凭证随商品交付。\n"),
    10: ("售后服务体系说明.txt", "售后服务方式：自营网点与授权网点相结合；服务设施、备件储备和经费保障说明。\n"),
    11: ("管理体系证书及荣誉.txt", "GB/T 19001-2016 质量管理体系认证证书\n消费者满意单位（市消费者协会）\n"),
}  # fmt: skip


# -- the moving clock and the interleaved scripts -----------------------------------------------------


class _Clock:
    """The time the demo's services see; it only moves forward."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance_to(self, when: datetime) -> None:
        if when > self.now:
            self.now = when

    def tick(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


def _run_interleaved(clock: _Clock, scripts: list[Iterator[datetime]]) -> None:
    """Run scripts that yield the time of their next step, always the earliest step first."""
    heap: list[tuple[datetime, int, Iterator[datetime]]] = []
    for n, script in enumerate(scripts):
        first = next(script, None)
        if first is not None:
            heapq.heappush(heap, (first, n, script))
    while heap:
        when, n, script = heapq.heappop(heap)
        clock.advance_to(when)
        following = next(script, None)
        if following is not None:
            heapq.heappush(heap, (following, n, script))


def _round_half(value: Decimal) -> Decimal:
    return (value / HALF).quantize(Decimal(1), rounding=ROUND_HALF_UP) * HALF


def _sample_for(
    indicator: Indicator, points: Decimal, unit: str, rng: random.Random
) -> tuple[int, int] | None:
    """A sample (size, nonconforming) that scores exactly `points`, or None."""
    sizes = [4, 5, 6, 8, 10] if unit == "家" else [10, 12, 15, 16, 20, 24, 25, 30]
    rng.shuffle(sizes)
    for size in sizes:
        for bad in range(size + 1):
            if points_from_sample(indicator, size, bad) == points:
                return size, bad
    return None


def _plan_points(rubric: Rubric, target: Decimal, skip: set[str], rng: random.Random) -> dict[str, Decimal]:
    """Points per applicable indicator whose base score is `target`: losses spread over several
    indicators in half points, never more than 60% of one indicator."""
    indicators = [i for _, i in rubric.indicators() if i.code not in skip]
    applicable = sum((i.max_points for i in indicators), Decimal(0))
    loss = applicable - _round_half(target * applicable / 100)
    points = {i.code: i.max_points for i in indicators}
    room = {i.code: _round_half(i.max_points * Decimal("0.6")) for i in indicators}
    while loss > 0:
        open_codes = [i for i in indicators if room[i.code] > 0]
        pick = rng.choices(open_codes, weights=[float(i.max_points) for i in open_codes])[0]
        step = min(loss, room[pick.code], HALF * rng.choice((1, 1, 2)))
        points[pick.code] -= step
        room[pick.code] -= step
        loss -= step
    return points


class _Builder:
    def __init__(self, services: Services, today: date, files: Path, *, surveillance: bool = True) -> None:
        self.anchor = datetime.combine(today, time(0), tzinfo=UTC)
        self.clock = _Clock(self.at(-1130, 9, 0))
        self.s = Services(services.db, rubrics=services.rubrics, clock=self.clock, hasher=services.hasher)
        self.actors: dict[str, Actor] = {}
        self.contracts = 0
        self.surveillance_audits = surveillance
        self.demo_dir = resources_dir() / "demo"
        self.files = files

    def at(self, day: int, hour: int = 10, minute: int = 0) -> datetime:
        """Beijing office time `hour:minute` on the working day `day` days from today (weekends move to Friday)."""
        when = self.anchor + timedelta(days=day)
        while when.weekday() >= 5:
            when -= timedelta(days=1)
        return when + timedelta(hours=hour, minutes=minute) - BEIJING

    # -- people -------------------------------------------------------------------------------------
    def people(self) -> tuple[DemoUser, ...]:
        """The administrator, the body's settings and key, then the staff.

        Each account's Actor is made once from the view the service returns rather than by a login:
        the services re-read the roles from the store at every call anyway, and a login would cost one
        more argon2 verification per user (0.15–0.4 s each on a small office PC).
        """
        name, display, _ = USERS[0]
        admin = self._actor(self.s.users.create_first_admin(name, DEMO_PASSWORD, display))
        self.s.certificates.ensure_keys()
        for key, value in BODY.items():
            self.clock.tick(2)
            self.s.settings.set(admin, key, value)
        for name, display, roles in USERS[1:]:
            self.clock.tick(5)
            self._actor(self.s.users.add(admin, name, DEMO_PASSWORD, roles, display))
        # the staff were in post before the demo's records begin: their roles are the setup's
        record_as_setup(self.s, [name for name, _, _ in USERS])
        for name, p in PEOPLE.items():
            self.clock.tick(4)
            self.s.people.set(
                admin,
                name,
                qualification=p.qualification,
                registration_no=p.registration,
                id_type="01",
                id_number=p.id17 + resident_id_check_character(p.id17),
                full_time=p.full_time,
                valid_from=self.day(p.valid_from),
                valid_until=self.day(p.valid_until),
                areas=p.areas,
            )
        # Everyone signs this year's impartiality declaration (and next year's, in late December).
        for year in self.declaration_years(self.clock.now):
            for name, _, _ in USERS:
                self.clock.tick(1)
                self.s.impartiality.sign(self.actors[name], year)
        return tuple(DemoUser(name, roles, DEMO_PASSWORD) for name, _, roles in USERS)

    def report_data(self) -> None:
        """Each organisation's particulars for CNCA's report (industry, phone, the codes confirmed)."""
        clerk = self.actors["zhangwei"]
        contact_given: list[str] = []
        for plan in PLANS:
            company = plan.company
            if company.name not in INDUSTRY or self.s.organizations.find(company.credit_code) is None:
                continue
            industry, phone = INDUSTRY[company.name]
            contact = None
            if not self.s.organizations.get(company.credit_code).contact:
                contact = f"客户服务部 {CONTACTS[len(contact_given) % len(CONTACTS)]}经理"
                contact_given.append(company.name)
            self.clock.tick(1)
            self.s.cnca.set_particulars(
                clerk, company.credit_code, industry=industry, phone=phone, contact=contact, confirm=True
            )
        # The body reports with this database from last month on (earlier months went by other means).
        year, month = self.anchor.year, self.anchor.month - 1
        if month == 0:
            year, month = year - 1, 12
        self.s.settings.set(self.actors["admin"], "cnca_reporting_from", f"{year:04d}-{month:02d}")

    def day(self, offset: int) -> date:
        """The calendar date `offset` days from today."""
        return (self.anchor + timedelta(days=offset)).date()

    @staticmethod
    def declaration_years(when: datetime) -> tuple[int, ...]:
        """The years whose declaration is signed at `when`: its own, and from 15 December the next."""
        local = (when + BEIJING).date()
        return (local.year, local.year + 1) if (local.month, local.day) >= (12, 15) else (local.year,)

    def staff(self) -> Iterator[datetime]:
        """The people's year: trainings, declared interests and their approval, and each December
        every person signs the next year's impartiality declaration."""
        admin = self.actors["admin"]
        # (when, order, what, which): a training or an interest by its index, or a year to sign
        steps: list[tuple[datetime, int, str, int]] = []
        for n, training in enumerate(TRAININGS):
            steps.append((self.at(training[1], 16, 0), n, "training", n))
        for n, entry in enumerate(INTERESTS):
            steps.append((self.at(entry[8], 9, 15), 100 + n, "interest", n))
            if entry[7]:
                steps.append((self.at(entry[8] + 2, 11, 30), 200 + n, "approve", n))
        start = (self.clock.now + BEIJING).date()
        for year in range(start.year + 1, self.anchor.year + 2):
            when = datetime(year - 1, 12, 15, 9, 30, tzinfo=UTC) - BEIJING
            while (when + BEIJING).weekday() >= 5:
                when += timedelta(days=1)
            if self.clock.now < when <= self.anchor:
                steps.append((when, 300 + year, "sign", year))
        interest_ids: dict[int, int] = {}
        for when, _, what, which in sorted(steps):
            yield when
            if what == "training":
                name, day, title, hours, provider = TRAININGS[which]
                self.s.people.add_training(
                    admin, name, taken_on=self.day(day - 3), title=title, hours=hours, provider=provider
                )
            elif what == "interest":
                name, code17, kind, start_day, end_day, risk, mitigation, _, _ = INTERESTS[which]
                declared = self.s.impartiality.declare(
                    self.actors[name],
                    name,
                    credit_code=creditcode.complete(code17),
                    kind=kind,
                    starts_on=self.day(start_day),
                    ends_on=None if end_day is None else self.day(end_day),
                    risk=risk,
                    mitigation=mitigation or None,
                )
                interest_ids[which] = declared.id
            elif what == "approve":
                self.s.impartiality.approve(self.actors[INTERESTS[which][7]], interest_ids[which])
            else:
                for name, _, _ in USERS:
                    self.clock.tick(1)
                    self.s.impartiality.sign(self.actors[name], which)

    def _actor(self, view: UserView) -> Actor:
        actor = Actor(view.id, view.name, view.display_name, frozenset(Role(r) for r in view.roles))
        self.actors[view.name] = actor
        return actor

    # -- the application ----------------------------------------------------------------------------
    def _file(self, folder: str, name: str, body: str) -> Path:
        path = self.files / folder / name
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            path.write_text(body, encoding="utf-8")
        return path

    def material_files(self, c: _Company) -> dict[int, list[Path]]:
        """The files an applicant attaches: its own licence, scope and profile, common forms, and its
        service-system document from resources/demo (content-addressed, so shared files are stored once)."""
        own = c.credit_code
        licence = (
            f"营业执照（副本）\n统一社会信用代码：{c.credit_code}\n名称：{c.name}\n类型：有限责任公司\n"
            f"住所：{c.address}\n成立日期：{c.founded}年\n经营范围：{c.products}的"
            f"{'生产、销售' if c.etype == 'production' else '销售'}及售后服务\n"
            f"年度报告：已按期在国家企业信用信息公示系统公示\n"
        )
        files = {
            1: [self._file(own, "营业执照（副本）.txt", licence)],
            4: [
                self._file(
                    own,
                    "申请认证产品及服务说明.txt",
                    f"申请认证范围：{c.scope}\n主要产品：{c.products}\n附：主要产品检验报告清单\n",
                )
            ],
            6: [
                self._file(
                    own,
                    "企业简介.txt",
                    f"{c.name}成立于{c.founded}年，现有员工{c.headcount}人，主要经营{c.products}。\n",
                )
            ],
            12: [self.demo_dir / c.doc],
        }
        for item, (name, body) in COMMON_FILES.items():
            files[item] = [self._file("common", name, body)]
        if c.etype == "production":
            files[3] = [
                self._file(
                    "common",
                    "生产许可及强制性产品认证证书.txt",
                    "强制性产品认证（CCC）证书及生产许可证复印件（扫描件见纸质档案）\n",
                )
            ]
        return files

    def apply(self, p: _Plan) -> CaseDetail:
        """Create the case and attach the materials; a draft gets only some of them."""
        c = p.company
        clerk = self.actors[p.clerk]
        detail = self.s.cases.create(
            clerk, org_name=c.name, credit_code=c.credit_code, enterprise_type=c.etype, headcount=c.headcount,
            scope=c.scope, address=c.address, rubric_id=c.rubric, contact=p.contact,
        )  # fmt: skip
        files = self.material_files(c)
        wanted = (1, 2, 4, 6, 12) if p.until is S.draft else tuple(self.s.materials.numbers)
        for item in wanted:
            self.clock.tick(3)
            if item in files:
                self.s.cases.set_material_files(clerk, detail.case_no, item, files[item])
            elif item == 2:  # 三证合一: the unified social credit code replaced the organisation code
                reason = self.s.materials.item(2).usually_na_zh or "已三证合一，以统一社会信用代码代替"
                self.s.cases.mark_material_not_applicable(clerk, detail.case_no, item, reason)
            else:
                self.s.cases.mark_material_not_applicable(
                    clerk,
                    detail.case_no,
                    item,
                    "本企业经营的商品和服务不属于法律法规规定须取得许可证或资质证书的范围",
                )
        return detail

    # -- scoring ------------------------------------------------------------------------------------
    def score(
        self, p: _Plan, case_no: str, rubric: Rubric, day: int, rng: random.Random
    ) -> Generator[datetime, None, list[str]]:
        """Two days on site scoring every indicator (one day only for a partial audit).

        Returns the codes that lost points, weakest first (where nonconformities are raised).
        """
        na = dict(p.not_applicable)
        points = _plan_points(rubric, Decimal(p.target), set(na), rng)
        team = [self.actors[n] for n in p.team]
        indicators = list(rubric.indicators())
        first_day = (len(indicators) + 1) // 2
        evidence = 0
        result = None
        for n, (category, indicator) in enumerate(indicators):
            if n == 0:
                yield self.at(day, 9, 30)
            elif n == first_day:
                if p.partial:
                    return []
                yield self.at(day + 1, 9, 10)
            self.clock.tick(rng.uniform(6, 18))
            who = team[int(category.code) % len(team)]
            note = NOTES.get(indicator.name.zh)
            code = indicator.code
            if code in na:
                result = self.s.audits.set_not_applicable(
                    who, case_no, code, na[code], note="现场核实，与申请材料第10项的说明一致"
                )
                continue
            value = points[code]
            full = value == indicator.max_points
            sample = None
            if indicator.sampled and note and note.sample:
                what, unit, defect = note.sample
                sample = _sample_for(indicator, value, unit, rng)
            if sample is not None and rng.random() < 0.75:
                size, bad = sample
                seen = (
                    f"抽查{what}{size}{unit}，{bad}{unit}{defect}"
                    if bad
                    else f"抽查{what}{size}{unit}，均符合要求"
                )
                result = self.s.audits.score_sample(who, case_no, code, size, bad, note=seen)
            else:
                seen = (
                    (note.good if full else note.weak) if note else ("符合要求" if full else "部分符合要求")
                )
                result = self.s.audits.set_points(who, case_no, code, value, note=seen)
            if note and note.evidence and evidence < 2 and (not full or rng.random() < 0.2):
                evidence += 1
                self.clock.tick(2)
                self.s.audits.add_evidence(who, case_no, code, note.evidence)
            if indicator.name.zh == "服务规范" and p.company.doc == DOC_AIRCON and p.until is S.certified:
                self.clock.tick(2)  # the controlled copy of the rules the auditors read on site
                self.s.audits.add_evidence(
                    who,
                    case_no,
                    code,
                    "现场调阅受控版本的空调维修服务管理制度",
                    file=self.demo_dir / p.company.doc,
                )
        if result is not None and p.expect is not None and not p.bonus and not p.deduction:
            got = result.score.grade.value if result.score.grade else None
            self.check(case_no, got, p.expect)
        return sorted(
            (c for c in points if points[c] < rubric.indicator(c).max_points),
            key=lambda c: points[c] / rubric.indicator(c).max_points,
        )

    # -- complaints and appeals ----------------------------------------------------------------------
    def _case_of(self, credit17: str) -> str:
        for cert in self.s.certificates.list():
            if cert.organization.credit_code.startswith(credit17):
                return cert.case_no
        raise RuntimeError(f"demo: no certificate for {credit17}")

    def complaints(self) -> Iterator[datetime]:
        """The complaints register and an appeal, each dated after the decision it is about."""
        clerk = self.actors["lina"]
        steps: list[tuple[datetime, int, str, int]] = []

        def after(previous: datetime, when: datetime) -> datetime:
            """`when`, or half an hour after `previous` when a weekend moved `when` before it."""
            return max(when, previous + timedelta(minutes=30))

        for n, entry in enumerate(COMPLAINTS):
            when = self.at(entry[4], 10, 5)
            steps.append((when, n, "new", n))
            if entry[5] is not None:
                when = after(when, self.at(entry[5], 9, 20))
                steps.append((when, n, "acknowledge", n))
            if entry[6] is not None:
                when = after(when, self.at(entry[5] if entry[5] is not None else entry[4], 14, 0))
                steps.append((when, n, "assign", n))
            if entry[7] is not None:
                when = after(when, self.at(entry[4] + 20, 16, 0))
                steps.append((when, n, "resolve", n))
                steps.append((after(when, self.at(entry[4] + 22, 10, 0)), n, "close", n))
        when = self.at(APPEAL[1], 10, 40)
        steps.append((when, 90, "appeal", 0))
        steps.append((after(when, self.at(APPEAL[4], 15, 0)), 91, "panel", 0))
        ids: dict[int, int] = {}
        appeal_id = 0
        for when, _, what, n in sorted(steps):
            yield when
            entry = COMPLAINTS[n]
            if what == "new":
                case_no = self._case_of(entry[3]) if entry[3] else None
                ids[n] = self.s.complaints.new(
                    clerk, kind=entry[0], text=entry[2], source=entry[1], case_no=case_no
                ).id
            elif what == "acknowledge":
                self.s.complaints.acknowledge(clerk, ids[n])
            elif what == "assign":
                self.s.complaints.assign(clerk, ids[n], str(entry[6]))
            elif what == "resolve":
                self.s.complaints.resolve(self.actors[str(entry[6])], ids[n], str(entry[7]))
            elif what == "close":
                self.s.complaints.close(clerk, ids[n])
            elif what == "appeal":
                appeal_id = self.s.complaints.appeal_new(clerk, self._case_of(APPEAL[0]), APPEAL[2]).id
            elif what == "panel":
                self.s.complaints.panel(clerk, appeal_id, list(APPEAL[3]))

    # -- one applicant's whole story ----------------------------------------------------------------
    def story(self, p: _Plan, index: int) -> Iterator[datetime]:
        """The dated steps of one case, from the application to where `p.until` says it stops."""
        rng = random.Random(27922 + index)
        s, day0 = self.s, p.start
        clerk = self.actors[p.clerk]
        yield self.at(day0, 9, 40)
        created = self.apply(p)
        case_no = created.case_no
        rubric = s.rubrics.get(created.rubric_id).rubric
        if p.until is S.draft:
            return
        yield self.at(day0 + 2, 15, 10)
        s.cases.submit(clerk, case_no)
        if p.until is S.submitted:
            return
        yield self.at(day0 + 5, 10, 20)
        if p.until is S.rejected:
            s.cases.reject(clerk, case_no, p.reason)
            return
        doc_days, site_days = s.audit_time.days(p.company.headcount, "initial")
        self.contracts += 1
        override: dict[str, str] = {}
        if p.override:
            override = {"onsite_days": p.override[0], "override_reason": p.override[1]}
            site_days = Decimal(p.override[0])
        s.cases.accept(
            clerk, case_no, contract_no=f"HHSC-HT-{self.clock.now.year}-{self.contracts:03d}",
            fee=(doc_days + site_days) * 3000 + 5000, **override,
        )  # fmt: skip
        if p.until is S.accepted:
            return
        yield self.at(day0 + 8, 11, 0)
        s.cases.assign_team(clerk, case_no, p.team[0], p.team[1:])
        if p.until is S.withdrawn:
            yield self.at(day0 + 12, 14, 30)
            s.cases.withdraw(clerk, case_no, p.reason)
            return
        leader = self.actors[p.team[0]]
        day = day0 + 13
        if p.revise:
            yield self.at(day, 16, 0)
            weak = rng.sample(list(rubric.categories), 2)
            findings = [(c.code, FINDINGS[c.name.zh][1 if c in weak else 0]) for c in rubric.categories]
            s.cases.record_review(
                leader,
                case_no,
                outcome="revise",
                note="体系文件需按审查发现补充修改后重新提交",
                findings=findings,
            )
            if p.until is S.document_review:
                return
            day += 10
        yield self.at(day, 16, 30)
        s.cases.record_review(
            leader, case_no, outcome="pass", note=f"文件审查通过，体系文件基本符合 {rubric.standard} 的要求，可安排现场评审",
            findings=[(c.code, FINDINGS[c.name.zh][0]) for c in rubric.categories],
        )  # fmt: skip
        day += 12
        weak_codes = yield from self.score(p, case_no, rubric, day, rng)
        if p.partial:
            return
        if p.witness:  # the person's on-site work was observed by a competent evaluator
            observed, by = p.witness
            self.clock.tick(5)
            self.s.people.add_witnessed_audit(
                self.actors["admin"],
                observed,
                witnessed_on=(self.at(day + 1, 9, 10) + BEIJING).date(),
                witness=by,
                outcome="competent",
                case_no=case_no,
                note="现场见证其独立完成服务体系、维修服务类指标的评价，证据收集和判定符合要求",
            )
        # the close of the second day on site: special items and nonconformities
        self.clock.tick(20)
        if p.bonus:
            s.audits.add_special(leader, case_no, "bonus", p.bonus)
        if p.deduction:
            s.audits.add_special(leader, case_no, "deduction", p.deduction)
        fixes: dict[int, str] = {}
        for code in weak_codes[: 1 if p.open_nc else 2]:
            self.clock.tick(10)
            name = rubric.indicator(code).name.zh
            note = NOTES.get(name)
            nc = s.audits.raise_nonconformity(
                leader, case_no, code, f"{code} {name}：{note.weak if note else '不完全符合要求'}"
            )
            fixes[nc] = note.fix if note and note.fix else _GENERIC_FIX
        if p.open_nc:
            return  # awaiting rectification: the deadline passes with the nonconformity still open
        yield self.at(day + 20, 14, 0)
        member = self.actors[p.team[-1]]
        open_ncs = [n for n in s.cases.get(case_no).nonconformities if n.status == "open"]
        for open_nc in open_ncs:
            self.clock.tick(15)
            fix = SPECIAL_FIX if open_nc.special else fixes.get(open_nc.id, _GENERIC_FIX)
            s.audits.close_nonconformity(member, case_no, open_nc.id, f"{fix}。评审组验证有效")
        yield self.at(day + 22, 10, 0)
        detail = s.audits.conclude(leader, case_no, self.conclusion(p))
        self.check(case_no, detail.recommended_grade, p.expect)
        if p.until is S.committee_review:
            return
        day += 30
        for member_name, decision, comment, grade in p.votes:
            yield self.at(day, 14, 0)
            detail = s.committee.vote(self.actors[member_name], case_no, decision, comment, grade)
            if detail.status == S.onsite_audit and p.rescore:  # returned: the team samples again
                code, size, bad, seen = p.rescore
                yield self.at(day + 7, 10, 0)
                s.audits.score_sample(leader, case_no, code, size, bad, note=seen)
                self.clock.tick(30)
                detail = s.audits.conclude(
                    leader, case_no, self.conclusion(p) + "（按评审委员会意见扩大抽样后重新评分）"
                )
                self.check(case_no, detail.recommended_grade, p.expect)
                day += 15
        if p.until in (S.approved, S.not_certified):
            return
        yield self.at(day + 5, 10, 30)
        number = s.certificates.issue(clerk, case_no).number
        if self.surveillance_audits and not (p.suspend or p.withdraw_certificate):
            yield from self.surveillance(p, number, rng)
        if p.suspend:
            yield self.at(p.suspend[0], 11, 0)
            s.certificates.suspend(clerk, number, p.suspend[2], code=p.suspend[1])
        if p.withdraw_certificate:
            yield self.at(p.withdraw_certificate[0], 11, 0)
            s.certificates.withdraw(clerk, number, p.withdraw_certificate[2], code=p.withdraw_certificate[1])
        if p.change:
            day, name, address, reason, earlier = p.change
            yield self.at(day, 15, 20)
            s.organizations.change(
                clerk,
                p.company.credit_code,
                name=name,
                address=address or None,
                reason=reason,
                effective_on=(self.at(day) - timedelta(days=earlier)).date(),
            )

    def surveillance(self, p: _Plan, number: str, rng: random.Random) -> Iterator[datetime]:
        """The annual surveillance audits of a valid certificate, each about six weeks before it
        falls due, taken through the pipeline by the same team and committee member: every one
        whose visit is before today, so that no certificate of the demo is overdue (the window's
        opening sweep would suspend it) and the next one due shows on the dashboard."""
        s, clerk = self.s, self.actors[p.clerk]
        leader, voter = self.actors[p.team[0]], self.actors[p.votes[-1][0]]
        while True:
            cert = s.certificates.get(number)
            due, kept = cert.next_surveillance, cert.grade
            if due is None:
                return  # the next audit is the renewal
            visit = (due - self.anchor.date()).days - SURVEILLANCE_LEAD
            if visit >= 0:
                return
            yield self.at(visit - 21, 10, 0)
            case_no = s.certificates.open_follow_up(clerk, number, CaseKind.surveillance)
            self.clock.tick(15)
            s.cases.assign_team(clerk, case_no, p.team[0], p.team[1:])
            yield self.at(visit - 7, 15, 0)
            rubric = s.rubrics.get(s.cases.get(case_no).rubric_id).rubric
            s.cases.record_review(
                leader, case_no, outcome="pass", note="体系文件与上次审核相比无重大变化，可安排监督审核",
                findings=[(c.code, FINDINGS[c.name.zh][0]) for c in rubric.categories],
            )  # fmt: skip
            target = p.surveillance_target or p.target
            plan = replace(p, target=target, expect=kept, partial=False, bonus="", deduction="")
            yield from self.score(plan, case_no, rubric, visit, rng)
            self.clock.tick(20)
            grade = GRADE_ZH[kept]
            detail = s.audits.conclude(
                leader, case_no, f"监督审核完成，售后服务体系持续有效运行，建议保持{grade}"
            )
            self.check(case_no, detail.recommended_grade, kept)
            yield self.at(visit + 12, 14, 0)
            s.committee.vote(voter, case_no, "approve", f"监督审核结论可信，同意保持{grade}")
            yield self.at(visit + 15, 10, 30)
            s.certificates.issue(clerk, case_no)

    @staticmethod
    def conclusion(p: _Plan) -> str:
        if p.expect is None:
            return "现场评审总分未达到70分，评审组建议不予认证"
        return f"现场评审完成，不符合项已整改并验证关闭，评审组推荐{GRADE_ZH[p.expect]}"

    @staticmethod
    def check(case_no: str, got: str | None, expected: str | None) -> None:
        if got != expected:  # the plan and the rubric disagree: a bug of the demo, not of the user
            raise RuntimeError(f"demo case {case_no}: the grade came out {got}, the plan expects {expected}")


def build_demo(services: Services, *, today: date | None = None, surveillance: bool = True) -> DemoResult:
    """Fill an empty database with the demo body, its users and cases in every state.

    All demo users share the password `DEMO_PASSWORD` ("demo-pass-2026"). Refused when the database already
    has a user, so it can never mix demo records into real ones. `surveillance`: take the valid
    certificates' annual surveillance audits (the benchmarks' seed leaves them out: its bulk copies
    each initial case with its certificate's events, and plans the surveillance audits itself).
    """
    if services.users.count():
        raise Refused(
            "not_empty",
            "the demo needs an empty database; this one already has users",
            "演示数据只能写入空数据库，本数据库已有用户",
        )
    with tempfile.TemporaryDirectory(prefix="aw-demo-") as files:
        builder = _Builder(
            services, today or datetime.now(UTC).date(), Path(files), surveillance=surveillance
        )
        users = builder.people()
        _run_interleaved(
            builder.clock,
            [builder.staff(), *(builder.story(p, n) for n, p in enumerate(PLANS)), builder.complaints()],
        )
        builder.report_data()
    cases = tuple(DemoCase(c.case_no, c.status) for c in services.cases.list())
    return DemoResult(users, cases)
