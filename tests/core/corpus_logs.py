"""The corpus for issue 14: messages officials actually write, each with the draft its first reply must show.

Written before the parser changes, as data: `score` reads every message the way the bot reads it on its
first reply (`reply_of`, in tests/core/test_corpus_logs.py) and reports the share right. The clock is the
tests' Saturday 21 November 2026, 10:30 in Shanghai: 昨天 is Friday 20 November, 上周三 is 11 November,
周五 ahead (a task's due day) is 27 November.

A message starting with a command is what follows that command; one without is a private message outside
any conversation. `Ask()` is the expected answer when a message says no log, or two: a question with buttons
(调研 / 学习 / 建议提案 / 都不是), never "没有看懂". Fields expected None are asked for after the first reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 21, 10, 30, tzinfo=SHANGHAI)


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


def at(month: int, day: int, hour: int = 18, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@dataclass(frozen=True)
class Trip:
    start: date
    end: date
    places: str | None
    topic: str | None


@dataclass(frozen=True)
class Study:
    held_on: date
    kind: str  # core.domain.StudyKind's value
    hours: Decimal | None
    topic: str | None


@dataclass(frozen=True)
class Motion:
    kind: str  # core.domain.MotionKind's value
    number: str | None
    title: str | None
    is_key: bool | None
    assigned_on: date | None = None  # None: the day it is logged


@dataclass(frozen=True)
class Task:
    title: str
    due: datetime


@dataclass(frozen=True)
class Ask:
    """A question with buttons: nothing in the message is a log, or it reads as two logs."""


Expected = Trip | Study | Motion | Task | Ask
H = Decimal

COL, LAW, THEORY, SELF = "collective", "law", "theory_group", "self_study"
SUG, PRO = "suggestion", "proposal"

CORPUS: tuple[tuple[str, Expected], ...] = (
    # --- trips, no command ---
    ("我昨天去德清县调研了地理信息小镇", Trip(d(11, 20), d(11, 20), "德清县", "地理信息小镇")),
    ("昨天到淳安县调研山区共富工作", Trip(d(11, 20), d(11, 20), "淳安县", "山区共富工作")),
    ("11月5日至8日在淳安县开展山区共富调研", Trip(d(11, 5), d(11, 8), "淳安县", "山区共富调研")),
    ("上周三赴开化县调研乡村振兴", Trip(d(11, 11), d(11, 11), "开化县", "乡村振兴")),
    ("前天去了安吉县余村，调研“两山”理念转化", Trip(d(11, 19), d(11, 19), "安吉县余村", "“两山”理念转化")),
    ("11月16日到18日，赴衢州市常山县、江山市调研胡柚产业发展",
     Trip(d(11, 16), d(11, 18), "衢州市常山县、江山市", "胡柚产业发展")),
    ("今天上午到桐庐县富春江镇调研民宿经济", Trip(d(11, 21), d(11, 21), "桐庐县富春江镇", "民宿经济")),
    ("周四去嘉善县调研长三角一体化示范区建设", Trip(d(11, 19), d(11, 19), "嘉善县", "长三角一体化示范区建设")),
    ("11月12日深入遂昌县大柘镇，调研茶叶产业。", Trip(d(11, 12), d(11, 12), "遂昌县大柘镇", "茶叶产业")),
    ("10月28日至30日到丽水市莲都区、松阳县调研古村落保护利用",
     Trip(d(10, 28), d(10, 30), "丽水市莲都区、松阳县", "古村落保护利用")),
    ("昨天下午去萧山区瓜沥镇调研未来乡村建设", Trip(d(11, 20), d(11, 20), "萧山区瓜沥镇", "未来乡村建设")),
    ("上周五到海宁市调研企业减负情况", Trip(d(11, 13), d(11, 13), "海宁市", "企业减负情况")),
    ("十一月三日去宁海县调研基层治理", Trip(d(11, 3), d(11, 3), "宁海县", "基层治理")),
    ("11月9日至10日在平阳县开展防汛防台工作调研", Trip(d(11, 9), d(11, 10), "平阳县", "防汛防台工作调研")),
    ("周二去了龙泉市，调研青瓷宝剑产业", Trip(d(11, 17), d(11, 17), "龙泉市", "青瓷宝剑产业")),
    ("昨天到临安区天目山镇走访调研农家乐经营情况", Trip(d(11, 20), d(11, 20), "临安区天目山镇", "农家乐经营情况")),
    ("11月18日赴景宁县调研畲族文化传承", Trip(d(11, 18), d(11, 18), "景宁县", "畲族文化传承")),
    ("前天下午到建德市调研新安江水质保护", Trip(d(11, 19), d(11, 19), "建德市", "新安江水质保护")),
    ("11月2日至4日，到文成县、泰顺县调研山区26县跨越式发展",
     Trip(d(11, 2), d(11, 4), "文成县、泰顺县", "山区26县跨越式发展")),
    ("上周一去诸暨市枫桥镇调研“枫桥经验”坚持和发展",
     Trip(d(11, 9), d(11, 9), "诸暨市枫桥镇", "“枫桥经验”坚持和发展")),
    ("昨天去德清县调研", Trip(d(11, 20), d(11, 20), "德清县", None)),
    ("11月13日在舟山市定海区调研海洋经济", Trip(d(11, 13), d(11, 13), "舟山市定海区", "海洋经济")),
    ("今天到余杭区良渚街道调研文化遗产保护", Trip(d(11, 21), d(11, 21), "余杭区良渚街道", "文化遗产保护")),
    ("11月6日去了缙云县，了解烧饼产业富民情况", Trip(d(11, 6), d(11, 6), "缙云县", "了解烧饼产业富民情况")),
    ("前天到杭州市西湖区转塘街道调研社区养老服务",
     Trip(d(11, 19), d(11, 19), "杭州市西湖区转塘街道", "社区养老服务")),
    ("今天上午到上城区湖滨街道调研老旧小区改造", Trip(d(11, 21), d(11, 21), "上城区湖滨街道", "老旧小区改造")),
    ("11月17日去柯城区九华乡调研农村集体经济", Trip(d(11, 17), d(11, 17), "柯城区九华乡", "农村集体经济")),
    ("上周四在瑞安市开展民营企业座谈调研", Trip(d(11, 12), d(11, 12), "瑞安市", "民营企业座谈调研")),
    ("昨天到新昌县调研小县大城建设", Trip(d(11, 20), d(11, 20), "新昌县", "小县大城建设")),
    ("11月14日赴温州市鹿城区调研城市更新", Trip(d(11, 14), d(11, 14), "温州市鹿城区", "城市更新")),
    ("昨天去余姚市调研，了解杨梅产业发展", Trip(d(11, 20), d(11, 20), "余姚市", "了解杨梅产业发展")),
    ("今天上午去拱墅区调研数字经济发展情况", Trip(d(11, 21), d(11, 21), "拱墅区", "数字经济发展情况")),
    ("11月15日到长兴县调研新能源产业", Trip(d(11, 15), d(11, 15), "长兴县", "新能源产业")),
    # --- trips, with the command ---
    ("/trip 11月5日至8日 淳安县 山区共富调研", Trip(d(11, 5), d(11, 8), "淳安县", "山区共富调研")),
    ("/trip 我昨天去德清县调研了地理信息小镇", Trip(d(11, 20), d(11, 20), "德清县", "地理信息小镇")),
    ("/trip 德清县 昨天 地理信息小镇发展", Trip(d(11, 20), d(11, 20), "德清县", "地理信息小镇发展")),
    ("/trip 上周三 开化县、常山县 乡村振兴", Trip(d(11, 11), d(11, 11), "开化县、常山县", "乡村振兴")),
    ("/trip 前天赴安吉县开展竹产业调研", Trip(d(11, 19), d(11, 19), "安吉县", "竹产业调研")),
    ("/trip 11月10日 在温岭市调研小微企业园建设", Trip(d(11, 10), d(11, 10), "温岭市", "小微企业园建设")),
    ("/trip 昨天，到兰溪市，调研农村电商。", Trip(d(11, 20), d(11, 20), "兰溪市", "农村电商")),
    ("/trip 11月16日至17日 义乌市 国际贸易综合改革", Trip(d(11, 16), d(11, 17), "义乌市", "国际贸易综合改革")),
    ("/trip 周三 到象山县石浦镇调研渔业转型", Trip(d(11, 18), d(11, 18), "象山县石浦镇", "渔业转型")),
    ("/trip 11月11日，衢江区，调研农村供水。", Trip(d(11, 11), d(11, 11), "衢江区", "农村供水")),
    # --- trips in English ---
    ("Visited Deqing county yesterday to look at the geospatial town",
     Trip(d(11, 20), d(11, 20), "Deqing county", "the geospatial town")),
    ("Went to Chun'an County on Nov 12 to study rural revitalisation",
     Trip(d(11, 12), d(11, 12), "Chun'an County", "rural revitalisation")),
    ("Yesterday in Kaihua: rural revitalisation", Trip(d(11, 20), d(11, 20), "Kaihua", "rural revitalisation")),
    ("Nov 5-8 research trip to Anji County on bamboo industry",
     Trip(d(11, 5), d(11, 8), "Anji County", "bamboo industry")),
    ("Visited Yiwu City on Thursday to discuss export trade",
     Trip(d(11, 19), d(11, 19), "Yiwu City", "export trade")),
    ("Field research in Lishui on Nov 10: ancient villages",
     Trip(d(11, 10), d(11, 10), "Lishui", "ancient villages")),
    ("Visited Kaihua County yesterday for rural revitalisation research",
     Trip(d(11, 20), d(11, 20), "Kaihua County", "rural revitalisation research")),
    ("On Nov 16-17 I visited Tonglu County to study homestays",
     Trip(d(11, 16), d(11, 17), "Tonglu County", "homestays")),
    ("/trip Nov 5-8 Chun'an County: mountain-area common prosperity",
     Trip(d(11, 5), d(11, 8), "Chun'an County", "mountain-area common prosperity")),
    ("/trip yesterday Tonglu County, homestay economy",
     Trip(d(11, 20), d(11, 20), "Tonglu County", "homestay economy")),
    ("/trip visited Haining City on Nov 13 about enterprise burdens",
     Trip(d(11, 13), d(11, 13), "Haining City", "enterprise burdens")),
    # --- study sessions, no command ---
    ("今天上午参加党组理论学习中心组集体学习，学习二十届四中全会精神，3个小时",
     Study(d(11, 21), THEORY, H(3), "学习二十届四中全会精神")),
    ("昨天下午参加集体学习2小时，学习《优化营商环境条例》", Study(d(11, 20), COL, H(2), "学习《优化营商环境条例》")),
    ("昨天下午 集体学习 2小时 优化营商环境条例", Study(d(11, 20), COL, H(2), "优化营商环境条例")),
    ("上周三集体学法一个半小时，学习民法典婚姻家庭编", Study(d(11, 11), LAW, H("1.5"), "学习民法典婚姻家庭编")),
    ("今天自学两个小时《习近平谈治国理政》第四卷", Study(d(11, 21), SELF, H(2), "《习近平谈治国理政》第四卷")),
    ("前天晚上自学安全生产法1.5h", Study(d(11, 19), SELF, H("1.5"), "安全生产法")),
    ("11月18日参加理论学习中心组学习，主题是共同富裕示范区建设，2.5小时",
     Study(d(11, 18), THEORY, H("2.5"), "共同富裕示范区建设")),
    ("昨天上午开展集体学法，学习行政复议法，2个小时", Study(d(11, 20), LAW, H(2), "学习行政复议法")),
    ("周四下午参加中心组学习三小时，二十届四中全会精神", Study(d(11, 19), THEORY, H(3), "二十届四中全会精神")),
    ("11月12日集体学习半小时，学习安全生产重要论述", Study(d(11, 12), COL, H("0.5"), "学习安全生产重要论述")),
    ("前天集体学习两个半小时，《中华人民共和国监察法》", Study(d(11, 19), COL, H("2.5"), "《中华人民共和国监察法》")),
    ("昨天晚上自学2小时，学习党章", Study(d(11, 20), SELF, H(2), "学习党章")),
    ("上周五上午集中学习三个小时，传达学习省委全会精神", Study(d(11, 13), COL, H(3), "传达学习省委全会精神")),
    ("11月16日学法1小时：民法典合同编", Study(d(11, 16), LAW, H(1), "民法典合同编")),
    ("今天下午参加了集体学习，学习了《关于新时代加强和改进思想政治工作的意见》，2小时",
     Study(d(11, 21), COL, H(2), "学习《关于新时代加强和改进思想政治工作的意见》")),
    ("周二自学一小时，乡村振兴促进法", Study(d(11, 17), SELF, H(1), "乡村振兴促进法")),
    ("11月19日下午集体学法两小时 宪法", Study(d(11, 19), LAW, H(2), "宪法")),
    ("昨天参加集体学习，学习《中国共产党纪律处分条例》，两个小时。",
     Study(d(11, 20), COL, H(2), "学习《中国共产党纪律处分条例》")),
    ("上周一晚上自学了半个小时 习近平文化思想", Study(d(11, 9), SELF, H("0.5"), "习近平文化思想")),
    ("前天中心组学习2小时，学习二十届三中全会《决定》", Study(d(11, 19), THEORY, H(2), "学习二十届三中全会《决定》")),
    ("前天集体学习一小时，学习习近平生态文明思想", Study(d(11, 19), COL, H(1), "学习习近平生态文明思想")),
    ("11月13日参加中心组学习，二十届四中全会精神，两小时", Study(d(11, 13), THEORY, H(2), "二十届四中全会精神")),
    ("周二下午集体学法一个半小时，学习信访工作条例", Study(d(11, 17), LAW, H("1.5"), "学习信访工作条例")),
    ("昨天上午自学三小时，《论党的自我革命》", Study(d(11, 20), SELF, H(3), "《论党的自我革命》")),
    ("前天参加理论学习中心组学习2小时 学习总体国家安全观", Study(d(11, 19), THEORY, H(2), "学习总体国家安全观")),
    ("上周二集体学习两个小时，学习“八八战略”实施情况", Study(d(11, 10), COL, H(2), "学习“八八战略”实施情况")),
    ("昨天自学了1小时，读《之江新语》", Study(d(11, 20), SELF, H(1), "读《之江新语》")),
    # --- study sessions, with the command ---
    ("/study 今天上午参加党组理论学习中心组集体学习，学习二十届四中全会精神，3个小时",
     Study(d(11, 21), THEORY, H(3), "学习二十届四中全会精神")),
    ("/study 昨天下午 集体学习 2小时 优化营商环境条例", Study(d(11, 20), COL, H(2), "优化营商环境条例")),
    ("/study 2小时 集体学习 优化营商环境条例 昨天下午", Study(d(11, 20), COL, H(2), "优化营商环境条例")),
    ("/study 学习民法典，集体学法，1.5小时，上周三", Study(d(11, 11), LAW, H("1.5"), "学习民法典")),
    ("/study 前天 自学 三小时 《习近平谈治国理政》第四卷", Study(d(11, 19), SELF, H(3), "《习近平谈治国理政》第四卷")),
    ("/study 11月12日参加集体学习，学习《保守国家秘密法》，一个半小时",
     Study(d(11, 12), COL, H("1.5"), "学习《保守国家秘密法》")),
    ("/study 周三 中心组 2.5小时 新质生产力", Study(d(11, 18), THEORY, H("2.5"), "新质生产力")),
    ("/study 昨天参加集体学法2个小时，学习了行政处罚法", Study(d(11, 20), LAW, H(2), "学习行政处罚法")),
    ("/study 今天自学1小时，学习《习近平关于调查研究论述摘编》。",
     Study(d(11, 21), SELF, H(1), "学习《习近平关于调查研究论述摘编》")),
    ("/study 周四晚上自学两个小时，学习《习近平著作选读》第一卷。",
     Study(d(11, 19), SELF, H(2), "学习《习近平著作选读》第一卷")),
    ("/study 11月19日 集体学法 1小时 学习《中华人民共和国行政诉讼法》",
     Study(d(11, 19), LAW, H(1), "学习《中华人民共和国行政诉讼法》")),
    # --- study sessions in English ---
    ("Collective study yesterday afternoon, 2 hours, on the business environment regulations",
     Study(d(11, 20), COL, H(2), "the business environment regulations")),
    ("Self-study for 1.5 hours today: Xi Jinping on governance",
     Study(d(11, 21), SELF, H("1.5"), "Xi Jinping on governance")),
    ("Theory group study on Thursday, 3 hours, Fourth Plenum spirit",
     Study(d(11, 19), THEORY, H(3), "Fourth Plenum spirit")),
    ("Law study yesterday 2h: Civil Code", Study(d(11, 20), LAW, H(2), "Civil Code")),
    ("Self-study yesterday evening, 1 hour, Party Constitution", Study(d(11, 20), SELF, H(1), "Party Constitution")),
    ("Collective law study on Nov 18, 1.5 hours: Administrative Reconsideration Law",
     Study(d(11, 18), LAW, H("1.5"), "Administrative Reconsideration Law")),
    ("/study yesterday collective study 2 hours Civil Code", Study(d(11, 20), COL, H(2), "Civil Code")),
    ("/study Nov 12 self-study 1.5h Party Constitution", Study(d(11, 12), SELF, H("1.5"), "Party Constitution")),
    # --- suggestions and proposals, no command ---
    ("领办省政协重点提案第45号《关于加快山区26县高质量发展的提案》，11月10日交办",
     Motion(PRO, "45", "关于加快山区26县高质量发展的提案", True, d(11, 10))),
    ("领办市人大重点建议第12号《关于加强农村饮用水安全保障的建议》，11月3日交办",
     Motion(SUG, "12", "关于加强农村饮用水安全保障的建议", True, d(11, 3))),
    ("人大建议第123号 关于加快山区公路建设的建议 重点", Motion(SUG, "123", "关于加快山区公路建设的建议", True)),
    ("政协提案 一般 第8号 关于加强基层医疗的提案", Motion(PRO, "8", "关于加强基层医疗的提案", False)),
    ("领办一般建议第56号《关于优化城乡公交线路的建议》，10月20日交办",
     Motion(SUG, "56", "关于优化城乡公交线路的建议", False, d(10, 20))),
    ("重点提案第十二号《关于推进数字乡村建设的提案》11月5日交办",
     Motion(PRO, "12", "关于推进数字乡村建设的提案", True, d(11, 5))),
    ("领办政协提案第201号，关于支持民营经济发展的提案，一般", Motion(PRO, "201", "关于支持民营经济发展的提案", False)),
    ("省人大代表建议第7号《关于加强耕地保护的建议》重点，11月2日交办",
     Motion(SUG, "7", "关于加强耕地保护的建议", True, d(11, 2))),
    ("人大建议45号 关于提升养老服务水平的建议 非重点", Motion(SUG, "45", "关于提升养老服务水平的建议", False)),
    ("领办重点建议，第88号，《关于完善山区交通基础设施的建议》",
     Motion(SUG, "88", "关于完善山区交通基础设施的建议", True)),
    ("市政协重点提案第33号《关于加快发展县域特色产业的提案》，交办日期：11月6日",
     Motion(PRO, "33", "关于加快发展县域特色产业的提案", True, d(11, 6))),
    ("领办人大建议第77号《关于加强中小学生近视防控的建议》，一般，11月9日交办",
     Motion(SUG, "77", "关于加强中小学生近视防控的建议", False, d(11, 9))),
    ("重点建议第3号，关于推进县域医共体建设的建议，11月1日交办",
     Motion(SUG, "3", "关于推进县域医共体建设的建议", True, d(11, 1))),
    ("领办政协一般提案第150号《关于发展银发经济的提案》", Motion(PRO, "150", "关于发展银发经济的提案", False)),
    # --- suggestions and proposals, with the command ---
    ("/proposal 领办省政协重点提案第45号《关于加快山区26县高质量发展的提案》，11月10日交办",
     Motion(PRO, "45", "关于加快山区26县高质量发展的提案", True, d(11, 10))),
    ("/proposal 建议 第123号 关于加快山区公路建设的建议 重点", Motion(SUG, "123", "关于加快山区公路建设的建议", True)),
    ("/proposal 重点提案 第8号 关于加强基层医疗的提案 3月1日交办",
     Motion(PRO, "8", "关于加强基层医疗的提案", True, d(3, 1))),
    ("/proposal 《关于加强农村养老服务的提案》 政协提案 第67号 一般",
     Motion(PRO, "67", "关于加强农村养老服务的提案", False)),
    ("/proposal 第15号 重点 人大建议 关于改善农村人居环境的建议 11月4日交办",
     Motion(SUG, "15", "关于改善农村人居环境的建议", True, d(11, 4))),
    ("/proposal 领办市人大一般建议第九号《关于规范电动自行车管理的建议》",
     Motion(SUG, "9", "关于规范电动自行车管理的建议", False)),
    ("/proposal 领办政协提案第102号《关于推进城乡学校共同体建设的提案》，重点，10月30日交办",
     Motion(PRO, "102", "关于推进城乡学校共同体建设的提案", True, d(10, 30))),
    ("/proposal 人大代表建议，第66号，《关于推进老旧小区加装电梯的建议》，重点",
     Motion(SUG, "66", "关于推进老旧小区加装电梯的建议", True)),
    # --- suggestions and proposals in English ---
    ("Led key CPPCC proposal No. 45 'On accelerating the 26 mountain counties', assigned Nov 10",
     Motion(PRO, "45", "On accelerating the 26 mountain counties", True, d(11, 10))),
    ("NPC suggestion No. 12 On rural drinking water safety, key",
     Motion(SUG, "12", "On rural drinking water safety", True)),
    ("Key NPC suggestion No. 9 On e-bike management, assigned Nov 2",
     Motion(SUG, "9", "On e-bike management", True, d(11, 2))),
    ("CPPCC proposal No. 150 \"On the silver economy\", regular", Motion(PRO, "150", "On the silver economy", False)),
    ("/proposal CPPCC proposal #8 On grassroots healthcare, regular, assigned Nov 3",
     Motion(PRO, "8", "On grassroots healthcare", False, d(11, 3))),
    ("/proposal key NPC suggestion No. 123 On mountain road construction",
     Motion(SUG, "123", "On mountain road construction", True)),
    ("/proposal Leading regular CPPCC proposal No. 67 \"On rural elderly care\", assigned on 5 November",
     Motion(PRO, "67", "On rural elderly care", False, d(11, 5))),
    # --- supervised tasks (admins), with the command ---
    ("/task 报送年度工作总结 周五下班前", Task("报送年度工作总结", at(11, 27))),
    ("/task 报送三季度安全生产情况 下周五下午5点", Task("报送三季度安全生产情况", at(11, 27, 17))),
    ("/task 整改台账 11月30日前", Task("整改台账", at(11, 30))),
    ("/task 12月5日下午3点前报送民生实事项目进展情况", Task("报送民生实事项目进展情况", at(12, 5, 15))),
    ("/task 月底前完成防汛物资清点，报办公室", Task("完成防汛物资清点，报办公室", at(11, 30))),
    ("/task 下周三前，报送2026年度述职报告。", Task("报送2026年度述职报告", at(11, 25))),
    ("/task 报送《年度党建工作报告》，截止11月28日", Task("报送《年度党建工作报告》", at(11, 28))),
    ("/task 明天上午10点前报送信访积案化解情况", Task("报送信访积案化解情况", at(11, 22, 10))),
    ("/task 周五下班前报送“三服务”活动小结", Task("报送“三服务”活动小结", at(11, 27))),
    ("/task 报送安全生产大检查情况，12月1日前", Task("报送安全生产大检查情况", at(12, 1))),
    ("/task Submit the annual work summary by Friday 5pm", Task("Submit the annual work summary", at(11, 27, 17))),
    ("/task Report on flood supplies next Wednesday", Task("Report on flood supplies", at(11, 25))),
    # --- no log, or two: a question with buttons ---
    ("收到", Ask()),
    ("好的", Ask()),
    ("谢谢", Ask()),
    ("你好", Ask()),
    ("辛苦了", Ask()),
    ("今天的材料已经准备好了", Ask()),
    ("明天下午开会", Ask()),
    ("山区共富", Ask()),
    ("昨天的会议纪要请查收", Ask()),
    ("请问怎么登记？", Ask()),
    ("《关于加快山区发展的意见》", Ask()),
    ("周一去了淳安调研，周三参加了集体学法", Ask()),
    ("昨天去开化县调研，晚上自学了两小时党章", Ask()),
    ("hello", Ask()),
    ("Thanks!", Ask()),
    ("ok", Ask()),
    ("What can you do?", Ask()),
)
