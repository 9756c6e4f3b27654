"""The businesses and objects of the province: industries, kinds of business, the six kinds of
supervised object, risk focus and credit classes (pure data).

Industry codes are GB/T 4754-2017 divisions; the six kinds and the credit classes follow
docs/national_rules.md.
"""

from dataclasses import dataclass

# GB/T 4754-2017 divisions used by the businesses
INDUSTRIES = {
    "A01": "农业",
    "A03": "畜牧业",
    "B06": "煤炭开采和洗选业",
    "C14": "食品制造业",
    "C26": "化学原料和化学制品制造业",
    "C27": "医药制造业",
    "C31": "黑色金属冶炼和压延加工业",
    "D44": "电力、热力生产和供应业",
    "D45": "燃气生产和供应业",
    "E47": "房屋建筑业",
    "F51": "批发业",
    "F52": "零售业",
    "G54": "道路运输业",
    "G59": "装卸搬运和仓储业",
    "H61": "住宿业",
    "H62": "餐饮业",
    "I64": "互联网和相关服务",
    "K70": "房地产业",
    "L72": "商务服务业",
    "Q84": "卫生",
    "R90": "娱乐业",
}


@dataclass(frozen=True)
class Business:
    """A kind of business: its industry, name words, risk focus, supervising departments, its
    weight among legal persons and its legal forms (company | sole | coop, weighted)."""

    key: str
    industry: str
    words: tuple[str, ...]
    risk: str
    depts: tuple[str, ...]
    weight: int
    forms: tuple[tuple[str, int], ...] = (("company", 1),)  # company | sole | coop


BUSINESSES = [
    Business("food_maker", "C14", ("食品", "食品科技", "乳业"), "food", ("31",), 4),
    Business("vinegar", "C14", ("醋业", "老陈醋"), "food", ("31",), 2),
    Business(
        "grocery",
        "F52",
        ("超市", "便利店", "商贸"),
        "food",
        ("31",),
        10,
        (("company", 1), ("sole", 1)),
    ),
    Business(
        "restaurant",
        "H62",
        ("餐饮", "饭店", "面馆"),
        "food",
        ("31",),
        10,
        (("company", 1), ("sole", 2)),
    ),
    Business(
        "pharmacy",
        "F52",
        ("大药房", "医药连锁", "药店"),
        "drug",
        ("72", "31"),
        5,
        (("company", 3), ("sole", 1)),
    ),
    Business("pharma_maker", "C27", ("制药", "药业"), "drug", ("72",), 1),
    Business("device_trader", "F51", ("医疗器械",), "medical_device", ("72",), 2),
    Business("cosmetics", "F52", ("化妆品", "美妆"), "general", ("72", "31"), 2),
    Business("coal", "B06", ("煤业", "煤矿"), "mine_safety", ("25", "16", "15"), 3),
    Business("chemical", "C26", ("化工", "精细化工"), "hazardous_chemicals", ("25", "16"), 2),
    Business("steel", "C31", ("钢铁", "特钢"), "environment", ("16", "25"), 1),
    Business("power", "D44", ("热电", "电力"), "environment", ("16",), 1),
    Business("gas", "D45", ("燃气", "天然气"), "hazardous_chemicals", ("25", "31"), 1),
    Business("builder", "E47", ("建筑工程", "建设"), "general", ("17",), 3),
    Business("realestate", "K70", ("房地产开发", "置业"), "general", ("17", "15"), 2),
    Business("transport", "G54", ("运输", "物流"), "general", ("18",), 3),
    Business("warehouse", "G59", ("仓储", "危险品仓储"), "hazardous_chemicals", ("25", "18"), 1),
    Business(
        "farm",
        "A01",
        ("农业", "种植", "农资"),
        "general",
        ("20",),
        3,
        (("company", 1), ("coop", 2)),
    ),
    Business(
        "livestock", "A03", ("养殖", "牧业"), "general", ("20",), 2, (("company", 1), ("coop", 1))
    ),
    Business("hospital", "Q84", ("医院", "诊所", "口腔门诊"), "medical_ads", ("23", "72"), 3),
    Business("hotel", "H61", ("酒店", "宾馆"), "general", ("22", "31", "23"), 2),
    Business("entertainment", "R90", ("娱乐", "歌舞厅"), "general", ("22", "23"), 1),
    Business("travel", "L72", ("旅行社", "国际旅行社"), "general", ("22",), 1),
    Business("finance", "L72", ("投资咨询", "财富管理"), "fund_raising", ("31",), 1),
    Business("ecommerce", "I64", ("网络科技", "电子商务"), "general", ("31",), 2),
]
BUSINESS = {b.key: b for b in BUSINESSES}

# non-legal kinds: (subtype, departments that supervise it, owner businesses, risk focus)
OBJECT_SUBTYPES = {
    "equipment": [
        ("电梯", ("31",), ("realestate", "hotel", "grocery"), "special_equipment"),
        ("锅炉", ("31", "16"), ("power", "steel", "food_maker"), "special_equipment"),
        ("压力容器", ("31", "25"), ("chemical", "gas"), "special_equipment"),
        ("起重机械", ("31",), ("builder", "steel"), "special_equipment"),
        ("放射源", ("16",), ("hospital",), "environment"),
        ("加油机", ("31",), ("gas",), "general"),
    ],
    "product": [
        ("疫苗", ("72",), ("pharma_maker",), "drug"),
        ("婴幼儿配方乳粉", ("31",), ("food_maker",), "food"),
        ("老陈醋", ("31",), ("vinegar",), "food"),
        ("农产品", ("20",), ("farm", "livestock"), "food"),
    ],
    "site": [
        ("建筑工地", ("17",), ("builder",), "general"),
        ("废气排放口", ("16",), ("steel", "power", "chemical", "coal"), "environment"),
        ("废水排放口", ("16",), ("chemical", "food_maker"), "environment"),
        ("煤矿井下采区", ("25",), ("coal",), "mine_safety"),
        ("尾矿库", ("25",), ("coal",), "mine_safety"),
        ("公共场所", ("23",), ("hotel", "entertainment"), "general"),
        ("A级旅游景区", ("22",), ("travel",), "general"),
    ],
    "project": [
        ("房屋建筑工程", ("17", "16"), ("builder", "realestate"), "general"),
        ("公路工程", ("18",), ("builder",), "general"),
        ("土地开发项目", ("15",), ("realestate",), "general"),
        ("煤矿建设项目", ("15", "16"), ("coal",), "mine_safety"),
    ],
    "natural_person": [
        ("执业药师", ("72",), ("pharmacy",), "general"),
        ("执业医师", ("23",), ("hospital",), "general"),
        ("注册建造师", ("17",), ("builder",), "general"),
    ],
}
KIND_DIGIT = {
    "legal_person": "1",
    "natural_person": "2",
    "equipment": "3",
    "product": "4",
    "site": "5",
    "project": "6",
}
KIND_SHARE = {
    "natural_person": 0.08,
    "equipment": 0.10,
    "product": 0.04,
    "site": 0.06,
    "project": 0.02,
}  # the rest are legal persons
RISK_LABEL = {
    "general": "一般",
    "food": "食品安全",
    "drug": "药品安全",
    "medical_device": "医疗器械安全",
    "special_equipment": "特种设备安全",
    "hazardous_chemicals": "危险化学品",
    "mine_safety": "矿山安全",
    "environment": "生态环境",
    "fund_raising": "非法集资风险",
    "medical_ads": "医疗广告",
}
# Credit classes A-D aim at the mix Dandong published for 2023: A 65.4 %, B 25.3 %, C 7.7 %,
# D 1.5 % (the classes are described in docs/national_rules.md). List membership
# (abnormal 4 % → C; serious 0.5 % and black 0.5 % → D) moves entities to C and D, so the base
# draw is lighter on C and D and the result lands on the Dandong mix at scale; the small
# samples top the lists up to a few entries each, which over-weights C and D there
CLASS_MIX = (("A", 0.69), ("B", 0.265), ("C", 0.04), ("D", 0.005))
LIST_SHARE = {"serious": 0.005, "abnormal": 0.04, "black": 0.005, "red_of_a": 0.06}
CLASS_WEIGHT = {"A": 1, "B": 2, "C": 4, "D": 8, "": 2}  # complaints and draws favour risk
CLASS_SCORE = {"A": (5, 30), "B": (30, 60), "C": (60, 80), "D": (80, 99)}
# characters of trade names (字号)
ZIHAO = "晋华鑫泰恒达盛源兴隆汇丰瑞祥宏宇金诚信和润嘉德安康顺昌永福广博天利新联合通凯旭东方正大明辉峰豪晟锦荣茂森宝创亿佳"
