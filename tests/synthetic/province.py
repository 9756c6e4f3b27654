"""A deterministic synthetic province: every source of the data centre, consistent, with faults.

`python -m tests.synthetic.province --out data_samples/province` rewrites the committed samples;
`--scale 1000 --out data_samples/large/province` makes one million supervision actions in an
ignored folder. The same seed, run date, scale and fault rate always give the same bytes.

One province (Shanxi, 14) is built first: departments (national 2-digit codes) with their
provincial and city units (agency USCCs), the item catalog (`<dept>140000<6 digits>`) and its
checklists, supervised entities of the six kinds (USCCs and ID numbers with correct check
characters, current GB/T 2260 divisions, GB/T 4754 industries, risk and credit tags, credit
classes A-D in the Dandong mix), officers, and licences. Events then reference only what exists:
supervision actions on catalog items and existing entities by two active officers of the same
department (some following a claimed licence), penalty disclosures of the penalty actions,
12345/12315/national complaints naming entities, credit lists, public opinion, monitoring
readings on monitored sites, knowledge (cases from the penalties) and national quality-check
feedback on exported actions. Sources follow their contracts in `schemas/` (format, encoding,
headers or JSON keys) and land as `landing/<source>/<run-date>/<file>`.

Faults (`tests/synthetic/faults.yaml`) are injected at `--fault-rate` per row, every (class, field)
pair of a source at least once when the rate is above 0, and every file-level class once; a
faulty row is never referenced by another source. `ground_truth.csv` beside `landing/` lists
each one: file (relative to landing/), row_number (as the readers number rows; empty for a
file-level fault), field (`_row` for a row that cannot be parsed) and fault_class.
Large outputs are streamed: rows go to their files as they are made, paged dumps are buffered
in a temporary file, and only the reference pools (entities, officers, items) stay in memory.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import re
import shutil
import tempfile
import time
import zipfile
from bisect import bisect
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

from stdnum.cn import ric

from spark_jobs.contracts import Contract, get_contract
from spark_jobs.checks.identifiers import _division_table, current_divisions, uscc_with_check
from tests.synthetic.demo import DEPARTMENTS as FOUNDATION_DEPARTMENTS
from tests.synthetic.demo import ITEM_NAMES, PROVINCE
from tests.synthetic.demo import _org_code as numeric_org_code
from spark_jobs.core.settings import REPO_ROOT

DEFAULT_SEED = 20240628
DEFAULT_RUN_DATE = date(2024, 6, 28)
WINDOW_DAYS = 180  # events fall in the 180 days up to the run date

SOURCES = (
    "supervision_items", "inspection_checklists", "supervised_entities", "enforcement_officers",
    "approvals", "supervision_actions", "hotline_12345", "complaints_12315",
    "national_dispatched_complaints", "credit_penalties", "credit_abnormal_operations",
    "credit_serious_violations", "credit_red_black_lists", "credit_classes",
    "third_party_opinion", "third_party_readings", "knowledge", "national_feedback",
)

# ------------------------------------------------------------------------ reference tables

# code: (provincial unit, suffix of the city-level unit or None when there is none)
DEPARTMENTS = {
    "31": (FOUNDATION_DEPARTMENTS["31"], "市场监督管理局"),
    "72": (FOUNDATION_DEPARTMENTS["72"], None),  # drug supervision has no city level
    "16": (FOUNDATION_DEPARTMENTS["16"], "生态环境局"),
    "25": (FOUNDATION_DEPARTMENTS["25"], "应急管理局"),
    "17": ("山西省住房和城乡建设厅", "住房和城乡建设局"),
    "18": ("山西省交通运输厅", "交通运输局"),
    "20": ("山西省农业农村厅", "农业农村局"),
    "23": ("山西省卫生健康委员会", "卫生健康委员会"),
    "22": ("山西省文化和旅游厅", "文化和旅游局"),
    "15": ("山西省自然资源厅", "规划和自然资源局"),
}
ACTION_SHARE = {"31": 34, "72": 10, "16": 10, "25": 10, "17": 8, "18": 7, "20": 6, "23": 7,
                "22": 4, "15": 4}
# share of each department's items that get actions: a known answer for the coverage rate
COVERED_SHARE = {"31": 1.0, "72": 5 / 6, "16": 0.6, "25": 0.5, "17": 0.75, "18": 1.0,
                 "20": 2 / 3, "23": 2 / 3, "22": 2 / 3, "15": 0.5}

_ITEM_OBJECT = {"特种设备安全监督检查": "equipment", "产品质量监督抽查": "product",
                "计量器具监督检查": "equipment", "疫苗储存运输监督检查": "product",
                "建设项目环评执行检查": "project", "固定污染源监督检查": "site",
                "辐射安全监督检查": "equipment", "非煤矿山安全监督检查": "site"}
_ITEM_LAW = {
    "食品": "《中华人民共和国食品安全法》", "特种设备": "《中华人民共和国特种设备安全法》",
    "产品质量": "《中华人民共和国产品质量法》", "广告": "《中华人民共和国广告法》",
    "计量": "《中华人民共和国计量法》", "网络交易": "《中华人民共和国电子商务法》",
    "价格": "《中华人民共和国价格法》", "企业公示": "《企业信息公示暂行条例》",
    "医疗器械": "《医疗器械监督管理条例》", "化妆品": "《化妆品监督管理条例》",
    "疫苗": "《中华人民共和国疫苗管理法》", "药品": "《中华人民共和国药品管理法》",
    "处方药": "《中华人民共和国药品管理法》", "排污": "《排污许可管理条例》",
    "危险废物": "《中华人民共和国固体废物污染环境防治法》",
    "环评": "《中华人民共和国环境影响评价法》", "污染源": "《中华人民共和国环境保护法》",
    "辐射": "《放射性同位素与射线装置安全和防护条例》",
    "危险化学品": "《危险化学品安全管理条例》", "工贸": "《中华人民共和国安全生产法》",
    "烟花爆竹": "《烟花爆竹安全管理条例》", "非煤矿山": "《中华人民共和国安全生产法》",
}
# new departments: (main item, object type, law)
NEW_ITEMS = {
    "17": [("建筑工程施工安全监督检查", "site", "《建设工程安全生产管理条例》"),
           ("建设工程质量监督检查", "project", "《建设工程质量管理条例》"),
           ("房地产开发企业资质监督检查", "legal_person", "《城市房地产开发经营管理条例》"),
           ("注册建造师执业行为监督检查", "natural_person", "《注册建造师管理规定》")],
    "18": [("道路运输经营监督检查", "legal_person", "《中华人民共和国道路运输条例》"),
           ("危险货物道路运输监督检查", "legal_person", "《危险货物道路运输安全管理办法》"),
           ("公路工程质量安全监督检查", "project", "《公路水运工程安全生产监督管理办法》")],
    "20": [("农药经营监督检查", "legal_person", "《农药管理条例》"),
           ("兽药生产经营监督检查", "legal_person", "《兽药管理条例》"),
           ("农产品质量安全监督抽查", "product", "《中华人民共和国农产品质量安全法》")],
    "23": [("医疗机构执业活动监督检查", "legal_person", "《医疗机构管理条例》"),
           ("医师执业行为监督检查", "natural_person", "《中华人民共和国医师法》"),
           ("公共场所卫生监督检查", "site", "《公共场所卫生管理条例》")],
    "22": [("旅行社经营监督检查", "legal_person", "《旅行社条例》"),
           ("娱乐场所经营监督检查", "legal_person", "《娱乐场所管理条例》"),
           ("A级旅游景区质量监督检查", "site", "《中华人民共和国旅游法》")],
    "15": [("矿产资源开发利用监督检查", "legal_person", "《中华人民共和国矿产资源法》"),
           ("土地开发利用动态巡查", "project", "《中华人民共和国土地管理法》")],
}
SUB_ITEMS = ["日常监督检查", "专项检查", "生产环节", "流通环节", "使用环节", "网络经营",
             "农村地区", "重点时段", "投诉举报核查", "信用分类监管", "跨部门联合检查"]
CHECK_POINTS = {
    "legal_person": ["主体资格及许可证件是否合法有效", "是否建立并落实{t}管理制度",
                     "从业人员是否经培训考核合格", "进货查验及台账记录是否完整",
                     "现场是否存在{t}违法违规行为"],
    "equipment": ["设备是否办理使用登记", "是否在检验有效期内使用", "作业人员是否持证上岗",
                  "是否建立安全技术档案", "日常维护保养记录是否完整"],
    "product": ["产品标签标识是否符合规定", "抽样检验结果是否合格", "储存运输条件是否符合要求",
                "追溯记录是否完整"],
    "site": ["场所安全管理制度是否落实", "现场隐患排查治理情况", "监测监控设施是否正常运行",
             "应急预案及演练情况"],
    "project": ["审批（备案）手续是否齐全", "是否按批准内容建设", "质量安全责任是否落实",
                "环境保护措施是否同步落实"],
    "natural_person": ["执业资格证书是否有效", "是否按注册范围执业", "执业行为是否规范",
                       "继续教育是否按要求完成"],
}
CHECK_METHODS = ["查阅资料", "现场查看", "抽样检验", "询问相关人员", "查阅资料、现场查看"]

# GB/T 4754-2017 divisions used by the profiles
INDUSTRIES = {
    "A01": "农业", "A03": "畜牧业", "B06": "煤炭开采和洗选业", "C14": "食品制造业",
    "C26": "化学原料和化学制品制造业", "C27": "医药制造业", "C31": "黑色金属冶炼和压延加工业",
    "D44": "电力、热力生产和供应业", "D45": "燃气生产和供应业", "E47": "房屋建筑业",
    "F51": "批发业", "F52": "零售业", "G54": "道路运输业", "G59": "装卸搬运和仓储业",
    "H61": "住宿业", "H62": "餐饮业", "I64": "互联网和相关服务", "K70": "房地产业",
    "L72": "商务服务业", "Q84": "卫生", "R90": "娱乐业",
}


@dataclass(frozen=True)
class Profile:
    key: str
    industry: str
    words: tuple[str, ...]
    risk: str
    depts: tuple[str, ...]
    weight: int
    forms: tuple[tuple[str, int], ...] = (("company", 1),)  # company | sole | coop


PROFILES = [
    Profile("food_maker", "C14", ("食品", "食品科技", "乳业"), "food", ("31",), 4),
    Profile("vinegar", "C14", ("醋业", "老陈醋"), "food", ("31",), 2),
    Profile("grocery", "F52", ("超市", "便利店", "商贸"), "food", ("31",), 10,
            (("company", 1), ("sole", 1))),
    Profile("restaurant", "H62", ("餐饮", "饭店", "面馆"), "food", ("31",), 10,
            (("company", 1), ("sole", 2))),
    Profile("pharmacy", "F52", ("大药房", "医药连锁", "药店"), "drug", ("72", "31"), 5,
            (("company", 3), ("sole", 1))),
    Profile("pharma_maker", "C27", ("制药", "药业"), "drug", ("72",), 1),
    Profile("device_trader", "F51", ("医疗器械",), "medical_device", ("72",), 2),
    Profile("cosmetics", "F52", ("化妆品", "美妆"), "general", ("72", "31"), 2),
    Profile("coal", "B06", ("煤业", "煤矿"), "mine_safety", ("25", "16", "15"), 3),
    Profile("chemical", "C26", ("化工", "精细化工"), "hazardous_chemicals", ("25", "16"), 2),
    Profile("steel", "C31", ("钢铁", "特钢"), "environment", ("16", "25"), 1),
    Profile("power", "D44", ("热电", "电力"), "environment", ("16",), 1),
    Profile("gas", "D45", ("燃气", "天然气"), "hazardous_chemicals", ("25", "31"), 1),
    Profile("builder", "E47", ("建筑工程", "建设"), "general", ("17",), 3),
    Profile("realestate", "K70", ("房地产开发", "置业"), "general", ("17", "15"), 2),
    Profile("transport", "G54", ("运输", "物流"), "general", ("18",), 3),
    Profile("warehouse", "G59", ("仓储", "危险品仓储"), "hazardous_chemicals", ("25", "18"), 1),
    Profile("farm", "A01", ("农业", "种植", "农资"), "general", ("20",), 3,
            (("company", 1), ("coop", 2))),
    Profile("livestock", "A03", ("养殖", "牧业"), "general", ("20",), 2,
            (("company", 1), ("coop", 1))),
    Profile("hospital", "Q84", ("医院", "诊所", "口腔门诊"), "medical_ads", ("23", "72"), 3),
    Profile("hotel", "H61", ("酒店", "宾馆"), "general", ("22", "31", "23"), 2),
    Profile("entertainment", "R90", ("娱乐", "歌舞厅"), "general", ("22", "23"), 1),
    Profile("travel", "L72", ("旅行社", "国际旅行社"), "general", ("22",), 1),
    Profile("finance", "L72", ("投资咨询", "财富管理"), "fund_raising", ("31",), 1),
    Profile("ecommerce", "I64", ("网络科技", "电子商务"), "general", ("31",), 2),
]
PROFILE = {p.key: p for p in PROFILES}

# non-legal kinds: (subtype, departments that supervise it, owner profiles, risk focus)
OBJECT_SUBTYPES = {
    "equipment": [("电梯", ("31",), ("realestate", "hotel", "grocery"), "special_equipment"),
                  ("锅炉", ("31", "16"), ("power", "steel", "food_maker"), "special_equipment"),
                  ("压力容器", ("31", "25"), ("chemical", "gas"), "special_equipment"),
                  ("起重机械", ("31",), ("builder", "steel"), "special_equipment"),
                  ("放射源", ("16",), ("hospital",), "environment"),
                  ("加油机", ("31",), ("gas",), "general")],
    "product": [("疫苗", ("72",), ("pharma_maker",), "drug"),
                ("婴幼儿配方乳粉", ("31",), ("food_maker",), "food"),
                ("老陈醋", ("31",), ("vinegar",), "food"),
                ("农产品", ("20",), ("farm", "livestock"), "food")],
    "site": [("建筑工地", ("17",), ("builder",), "general"),
             ("废气排放口", ("16",), ("steel", "power", "chemical", "coal"), "environment"),
             ("废水排放口", ("16",), ("chemical", "food_maker"), "environment"),
             ("煤矿井下采区", ("25",), ("coal",), "mine_safety"),
             ("尾矿库", ("25",), ("coal",), "mine_safety"),
             ("公共场所", ("23",), ("hotel", "entertainment"), "general"),
             ("A级旅游景区", ("22",), ("travel",), "general")],
    "project": [("房屋建筑工程", ("17", "16"), ("builder", "realestate"), "general"),
                ("公路工程", ("18",), ("builder",), "general"),
                ("土地开发项目", ("15",), ("realestate",), "general"),
                ("煤矿建设项目", ("15", "16"), ("coal",), "mine_safety")],
    "natural_person": [("执业药师", ("72",), ("pharmacy",), "general"),
                       ("执业医师", ("23",), ("hospital",), "general"),
                       ("注册建造师", ("17",), ("builder",), "general")],
}
KIND_DIGIT = {"legal_person": "1", "natural_person": "2", "equipment": "3", "product": "4",
              "site": "5", "project": "6"}
KIND_LABEL = {"legal_person": "法人", "natural_person": "特定自然人", "equipment": "设施设备",
              "product": "特定产品", "site": "场地场所", "project": "项目工程"}
KIND_SHARE = {"natural_person": 0.08, "equipment": 0.10, "product": 0.04, "site": 0.06,
              "project": 0.02}  # the rest are legal persons
RISK_LABEL = {"general": "一般", "food": "食品安全", "drug": "药品安全",
              "medical_device": "医疗器械安全", "special_equipment": "特种设备安全",
              "hazardous_chemicals": "危险化学品", "mine_safety": "矿山安全",
              "environment": "生态环境", "fund_raising": "非法集资风险", "medical_ads": "医疗广告"}
# Dandong 2023 (NATIONAL_DATA §3.3): A 65.4 %, B 25.3 %, C 7.7 %, D 1.5 %. List membership
# (abnormal 4 % → C; serious 0.5 % and black 0.5 % → D) moves entities to C and D, so the base
# draw is lighter on C and D and the result lands on the Dandong mix at scale; the small
# samples top the lists up to a few entries each, which over-weights C and D there
CLASS_MIX = (("A", 0.69), ("B", 0.265), ("C", 0.04), ("D", 0.005))
LIST_SHARE = {"serious": 0.005, "abnormal": 0.04, "black": 0.005, "red_of_a": 0.06}
CLASS_WEIGHT = {"A": 1, "B": 2, "C": 4, "D": 8, "": 2}  # complaints and draws favour risk
CLASS_SCORE = {"A": (5, 30), "B": (30, 60), "C": (60, 80), "D": (80, 99)}

LICENCES = {  # dept: (licence name, licensing item, supervising item, years valid)
    "31": ("食品经营许可证", "食品经营许可", "食品生产经营监督检查", 5),
    "72": ("药品经营许可证", "药品零售企业许可", "药品零售企业监督检查", 5),
    "16": ("排污许可证", "排污许可", "排污许可执行情况检查", 5),
    "25": ("危险化学品经营许可证", "危险化学品经营许可", "危险化学品安全监督检查", 3),
    "17": ("建筑工程施工许可证", "建筑工程施工许可", "建筑工程施工安全监督检查", 2),
    "18": ("道路运输经营许可证", "道路货物运输经营许可", "道路运输经营监督检查", 4),
    "20": ("农药经营许可证", "农药经营许可", "农药经营监督检查", 5),
    "23": ("医疗机构执业许可证", "医疗机构执业登记", "医疗机构执业活动监督检查", 5),
    "22": ("娱乐经营许可证", "娱乐场所经营许可", "娱乐场所经营监督检查", 2),
}
ACTION_TYPES = (("行政检查", 45), ("双随机抽查", 20), ("移动监管", 8), ("非现场监管", 7),
                ("行政处罚", 8), ("行政强制", 4), ("其他", 4))
INSPECTION_RESULTS = ("01",) * 6 + ("02",) * 3 + ("03", "06")
RESULT_TEXT = {"01": "，未发现问题", "02": "，发现问题并责令改正", "03": "，给予行政指导",
               "04": "，依法作出行政处罚决定", "05": "，依法采取行政强制措施",
               "06": "，依法作出其他行政行为"}
ZIHAO = "晋华鑫泰恒达盛源兴隆汇丰瑞祥宏宇金诚信和润嘉德安康顺昌永福广博天利新联合通凯旭东方正大明辉峰豪晟锦荣茂森宝创亿佳"
SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕"
            "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江"
            "史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉萍红鹏辉建国志斌宇浩凯秀兰晶"
         "婷雪琳慧颖欣怡子轩梓涵一诺晨阳佳俊博文瑞峰立新海燕春梅冬云飞")
STREETS = ("迎泽大街", "并州路", "长风街", "建设路", "解放路", "府西街", "新建路", "学府街",
           "胜利街", "和平路", "人民路", "文化路", "中山路", "朝阳街", "五一路", "滨河路")

# 12345 category tree (a local tree: our assumption, see the contract): code → (name, dept,
# appeal types it serves, subject template, content template, profiles of the entities named)
HOTLINE_CATEGORIES = {
    "080101": ("市场监管/食品安全/过期变质食品", "31", "举报投诉", "{e}销售过期食品",
               "来电人反映在{e}购买的食品已过保质期，要求核实处理。", ("food_maker", "vinegar", "grocery", "restaurant")),
    "080102": ("市场监管/食品安全/无证经营", "31", "举报", "{e}无证经营",
               "来电人举报{e}未取得食品经营许可证从事经营活动。", ("grocery", "restaurant")),
    "080201": ("市场监管/价格监管/价格欺诈", "31", "投诉", "{e}涉嫌价格欺诈",
               "来电人称{e}标价与结算价不一致，涉嫌价格欺诈。", ("grocery", "restaurant", "hotel")),
    "080301": ("市场监管/消费维权/预付卡退费", "31", "投诉", "{e}预付卡不退费",
               "来电人称在{e}办理的预付卡无法退费，商家拒绝协商。", ("grocery", "restaurant", "hotel")),
    "080401": ("市场监管/广告监管/虚假广告", "31", "举报", "{e}发布虚假广告",
               "来电人举报{e}宣传产品包治百病、无效退款，涉嫌虚假广告。", ("finance", "ecommerce", "food_maker")),
    "100101": ("药品监管/药品销售/无处方销售处方药", "72", "举报", "{e}无处方销售处方药",
               "来电人反映{e}无需处方即可购买处方药。", ("pharmacy",)),
    "100201": ("药品监管/医疗器械/非法销售医疗器械", "72", "举报", "{e}无证销售医疗器械",
               "来电人举报{e}未经备案销售二类医疗器械。", ("pharmacy", "device_trader")),
    "110101": ("安全生产/危险化学品/违规储存", "25", "举报", "{e}违规储存危险化学品",
               "来电人反映{e}在厂区外露天堆放危险化学品，存在安全隐患。", ("chemical", "warehouse")),
    "110201": ("安全生产/燃气安全/燃气泄漏隐患", "25", "求助投诉", "{e}燃气安全隐患",
               "来电人反映{e}附近有燃气异味，要求尽快排查。", ("gas",)),
    "030101": ("生态环境/大气污染/工业废气", "16", "投诉举报", "{e}夜间排放废气",
               "来电人反映{e}夜间排放刺激性废气，影响周边居民。", ("steel", "power", "chemical", "coal")),
    "170101": ("住房城乡建设/建筑施工/夜间施工", "17", "投诉", "{e}夜间违规施工",
               "来电人反映{e}工地夜间施工噪声扰民。", ("builder", "realestate")),
    "120101": ("金融监管/非法集资/高息揽储", "31", "举报", "{e}高息揽储",
               "来电人举报{e}以保本高息、返利为名向老年人吸收资金。", ("finance",)),
    "070101": ("卫生健康/医疗服务/虚假医疗宣传", "23", "举报投诉", "{e}虚假医疗宣传",
               "来电人反映{e}宣称祖传秘方可根治慢性病。", ("hospital",)),
    "140101": ("社会保障/劳动权益/拖欠工资", None, "求助投诉", "拖欠工资问题",
               "来电人反映所在单位拖欠工资三个月，要求协调解决。", ()),
    "990101": ("其他/政策咨询/营商环境政策", None, "咨询建议表扬", "营商环境政策",
               "来电人咨询个体工商户办理登记及税收优惠政策。", ()),
    "990102": ("其他/城市管理/道路设施", None, "建议求助表扬", "学校周边道路设施",
               "来电人建议在学校周边增设减速带和人行横道。", ()),
}
TYPE_LABEL = {"咨询": "consultation", "求助": "help", "投诉": "complaint", "举报": "report",
              "建议": "suggestion", "表扬": "praise"}
SERVICE_TYPES = {  # 12315 商品服务类型 (NATIONAL_DATA §4.3 examples) by profile
    "grocery": (("010101", "米"), ("010115", "乳制品")), "food_maker": (("010115", "乳制品"),),
    "vinegar": (("010115", "乳制品"),), "restaurant": (("010101", "米"),),
    "pharmacy": (("010401", "中药"),), "cosmetics": (("010601", "美容用品"),),
    "ecommerce": (("011302", "移动电话及配件"),), "realestate": (("011401", "商品房"),),
    "transport": (("012401", "汽车及汽车零部件"),),
}
OPINION_TOPICS = {"food": "食品安全", "drug": "药品安全", "medical_device": "医疗器械",
                  "special_equipment": "特种设备", "hazardous_chemicals": "安全生产",
                  "mine_safety": "安全生产", "environment": "生态环境", "fund_raising": "非法集资",
                  "medical_ads": "医疗广告", "general": "营商环境"}
PLATFORMS = (("微博", "weibo.example.com"), ("微信公众号", "mp.example.com"),
             ("新闻网站", "news.example.com"), ("论坛", "bbs.example.com"),
             ("短视频", "video.example.com"))
INDICATORS = {  # site subtype: [(code, unit, limit, typical share of the limit)]
    "废气排放口": [("SO2", "mg/m³", 35.0, 0.4), ("NOX", "mg/m³", 50.0, 0.5),
                  ("PM", "mg/m³", 10.0, 0.4)],
    "废水排放口": [("COD", "mg/L", 50.0, 0.5), ("NH3N", "mg/L", 5.0, 0.4)],
    "煤矿井下采区": [("CH4", "%", 1.0, 0.3), ("CO", "ppm", 24.0, 0.2)],
}
LAWS = [  # (title, issuer, issued, in force, dept, keywords)
    ("中华人民共和国行政处罚法", "全国人民代表大会常务委员会", "2021-01-22", "2021-07-15", None,
     "行政处罚;简易程序;听证"),
    ("中华人民共和国行政强制法", "全国人民代表大会常务委员会", "2011-06-30", "2012-01-01", None,
     "查封;扣押;强制执行"),
    ("中华人民共和国食品安全法", "全国人民代表大会常务委员会", "2021-04-29", "2021-04-29", "31",
     "食品安全;食品经营许可;过期食品"),
    ("中华人民共和国药品管理法", "全国人民代表大会常务委员会", "2019-08-26", "2019-12-01", "72",
     "药品;处方药;药品经营许可"),
    ("中华人民共和国特种设备安全法", "全国人民代表大会常务委员会", "2013-06-29", "2014-01-01",
     "31", "特种设备;电梯;锅炉"),
    ("中华人民共和国安全生产法", "全国人民代表大会常务委员会", "2021-06-10", "2021-09-01", "25",
     "安全生产;隐患排查"),
    ("中华人民共和国环境保护法", "全国人民代表大会常务委员会", "2014-04-24", "2015-01-01", "16",
     "环境保护;排污"),
    ("中华人民共和国广告法", "全国人民代表大会常务委员会", "2021-04-29", "2021-04-29", "31",
     "虚假广告;医疗广告"),
    ("优化营商环境条例", "国务院", "2019-10-22", "2020-01-01", None, "营商环境;监管"),
    ("企业信息公示暂行条例", "国务院", "2014-08-07", "2014-10-01", "31",
     "经营异常名录;年度报告"),
    ("医疗器械监督管理条例", "国务院", "2021-02-09", "2021-06-01", "72", "医疗器械;备案"),
    ("化妆品监督管理条例", "国务院", "2020-06-16", "2021-01-01", "72", "化妆品"),
    ("防范和处置非法集资条例", "国务院", "2021-01-26", "2021-05-01", "31",
     "非法集资;高息;返利"),
    ("市场监督管理投诉举报处理暂行办法", "国家市场监督管理总局", "2019-11-30", "2020-01-01",
     "31", "投诉;举报;调解"),
    ("市场监督管理严重违法失信名单管理办法", "国家市场监督管理总局", "2021-07-30", "2021-09-01",
     "31", "严重违法失信名单"),
]
RISK_FEATURES = [  # the Hubei warning models (seed 003): (title, dept, keywords, item hint)
    ("虚假医疗广告风险特征", "31", "根治;包治百病;祖传秘方;无效退款", "广告"),
    ("非法集资风险特征", "31", "保本;高息;返利;原始股", "企业公示"),
    ("非法售药风险特征", "72", "无证售药;网售处方药;代购", "药品网络"),
    ("违规销售处方药风险特征", "72", "无需处方;处方药;凭方购药", "处方药"),
    ("非法销售医疗器械风险特征", "72", "无证经营;二类医疗器械;未备案", "医疗器械"),
]
NATIONAL_CHECKS = [  # (category, national field, reason code, message template)
    ("03", "监管事项目录编码", "E09", "[监管事项目录编码]:[{item}]在国家监管事项目录中不存在"),
    ("04", "监管事项检查实施清单编码", "E01", "[监管事项检查实施清单编码]:[]为必填项，不能为空"),
    ("08", "检查行为编号", "E09", "[检查行为编号]:[{id}]关联的行政检查行为不存在"),
    ("10", "报送时间", "E02", "[报送时间]:[{submitted}]超过规定报送时限，验证不通过"),
    ("01", "行政相对人性质", "E08", "[行政相对人性质]:[]不在值域范围内"),
    ("05", "检查行为编号", "E10", "[检查行为编号]:[{id}]与已上报数据重复"),
]
DATASET_OF = {"行政处罚": "行政处罚行为", "行政强制": "行政强制行为", "其他": "其他行为"}

CITY_ABBR = {"1401": "并", "1402": "同", "1403": "阳", "1404": "长", "1405": "城", "1406": "朔",
             "1407": "晋", "1408": "运", "1409": "忻", "1410": "临", "1411": "吕"}
# the kind of business an item is about (first keyword of the item name that matches); items
# without a match use every legal person their department supervises
ITEM_PROFILES = {
    "食品": ("food_maker", "vinegar", "grocery", "restaurant", "hotel"),
    "药品零售": ("pharmacy",), "处方药": ("pharmacy",), "药品网络": ("pharmacy", "ecommerce"),
    "医疗器械": ("device_trader", "pharmacy"), "化妆品": ("cosmetics",),
    "广告": ("finance", "ecommerce", "food_maker"), "网络交易": ("ecommerce",),
    "价格": ("grocery", "restaurant", "hotel"), "排污": ("steel", "power", "chemical", "coal"),
    "危险废物": ("chemical", "steel"), "危险化学品": ("chemical", "gas", "warehouse"),
    "工贸": ("steel", "chemical"), "房地产": ("realestate",), "道路运输": ("transport",),
    "危险货物": ("transport", "warehouse"), "农药": ("farm",), "兽药": ("livestock",),
    "医疗机构": ("hospital",), "旅行社": ("travel",), "娱乐": ("entertainment",),
    "矿产": ("coal",),
}
# what a penalty under an item is for (first keyword of the item name that matches)
ILLEGAL_FACTS = {
    "食品": "经营超过保质期的食品", "特种设备": "使用未经定期检验的特种设备",
    "产品质量": "销售不合格产品", "广告": "发布虚假广告", "计量": "使用不合格的计量器具",
    "网络交易": "未在网店首页公示营业执照信息", "价格": "不明码标价",
    "企业公示": "未按规定公示年度报告", "医疗器械": "未经备案经营第二类医疗器械",
    "化妆品": "经营超过使用期限的化妆品", "处方药": "无处方销售处方药",
    "药品网络": "通过网络违规销售处方药", "药品零售": "从无资质企业购进药品",
    "疫苗": "未按规定冷链储存疫苗", "排污": "超标排放大气污染物",
    "危险废物": "未按规定贮存危险废物", "环评": "建设项目未批先建",
    "污染源": "超标排放水污染物", "辐射": "未按规定开展辐射环境监测",
    "危险化学品": "危险化学品储存不符合国家标准", "工贸": "未按规定开展安全隐患排查治理",
    "烟花爆竹": "超许可范围经营烟花爆竹", "非煤矿山": "未按规定开展安全隐患排查治理",
    "建筑工程施工": "未按规定落实施工现场安全防护措施", "建设工程质量": "未按规定履行质量检测义务",
    "房地产": "未取得资质证书从事房地产开发", "建造师": "注册建造师超范围执业",
    "道路运输": "未取得道路运输经营许可擅自从事经营", "危险货物": "使用不符合规定的车辆运输危险货物",
    "公路": "未落实施工安全生产措施", "农药": "经营假农药", "兽药": "经营假兽药",
    "农产品": "销售农药残留超标的农产品", "医疗机构": "使用非卫生技术人员从事医疗卫生技术工作",
    "医师": "医师超出执业范围执业", "公共场所": "未取得公共场所卫生许可证从事经营",
    "旅行社": "未经许可经营旅行社业务", "娱乐": "超时营业", "旅游景区": "未按规定公示服务项目",
    "矿产": "超越批准的矿区范围采矿", "土地": "未经批准擅自占用土地",
}
DEPT_ABBR = {"31": "市监", "72": "药监", "16": "环", "25": "应急", "17": "建", "18": "交",
             "20": "农", "23": "卫", "22": "文旅", "15": "自然资源"}

# ---------------------------------------------------------------------------- fault table

ROW_FAULTS: dict[str, list[tuple[str, str]]] = {
    "supervision_items": [("malformed_code", "item_code"),
                          ("empty_required_field", "main_item_name"),
                          ("unknown_code", "object_type")],
    "inspection_checklists": [("malformed_code", "checklist_code"),
                              ("unknown_item_code", "item_code"),
                              ("bad_check_character", "agency_uscc"),
                              ("mixed_date_formats", "published_date"),
                              ("impossible_date", "published_date"),
                              ("unknown_code", "check_type"),
                              ("empty_required_field", "check_point")],
    "supervised_entities": [("bad_check_character", "uscc"),
                            ("bad_check_character", "id_number"),
                            ("legacy_15_digit_id", "id_number"),
                            ("malformed_code", "industry_code"),
                            ("malformed_code", "division_code"),
                            ("fullwidth_digits_and_whitespace", "division_code"),
                            ("mixed_date_formats", "registered_date"),
                            ("empty_required_field", "kind"),
                            ("unknown_code", "risk_focus"),
                            ("duplicate_key_different_content", "entity_id"),
                            ("malformed_row", "_row")],
    "enforcement_officers": [("bad_check_character", "id_number"),
                             ("legacy_15_digit_id", "id_number"),
                             ("malformed_code", "license_no"),
                             ("empty_required_field", "name"),
                             ("unknown_code", "nature_code"),
                             ("fullwidth_digits_and_whitespace", "phone"),
                             ("mixed_date_formats", "valid_until"),
                             ("duplicate_key_different_content", "license_no")],
    "approvals": [("bad_check_character", "entity_uscc"), ("unknown_entity", "entity_uscc"),
                  ("unknown_item_code", "item_code"), ("impossible_date", "granted_date"),
                  ("mixed_date_formats", "granted_date"),
                  ("date_order_violation", "valid_until"),
                  ("empty_required_field", "licence_no"),
                  ("unknown_code", "claimed_by_department")],
    "supervision_actions": [("bad_check_character", "entity_uscc"),
                            ("malformed_code", "division_code"),
                            ("unknown_item_code", "item_code"),
                            ("future_date", "action_date"),
                            ("impossible_date", "action_date"),
                            ("empty_required_field", "entity_name"),
                            ("too_few_officers", "officer_license_nos"),
                            ("date_order_violation", "submitted_date"),
                            ("unknown_code", "action_type"),
                            ("fullwidth_digits_and_whitespace", "division_code"),
                            ("duplicate_key_different_content", "action_id"),
                            ("malformed_row", "_row")],
    "hotline_12345": [("unknown_entity", "target_uscc"),
                      ("bad_check_character", "target_uscc"),
                      ("future_date", "received_at"), ("mixed_date_formats", "received_at"),
                      ("date_order_violation", "closed_at"), ("unknown_code", "satisfaction"),
                      ("fullwidth_digits_and_whitespace", "caller_phone"),
                      ("empty_required_field", "content"),
                      ("duplicate_key_different_content", "work_order_id"),
                      ("malformed_row", "_row")],
    "complaints_12315": [("unknown_entity", "complaint_object_cert_code"),
                         ("bad_check_character", "tip_enterprise_credit_code"),
                         ("impossible_date", "complaint_dispute_date"),
                         ("unknown_code", "status"),
                         ("date_order_violation", "accept_decision_date"),
                         ("empty_required_field", "handling_unit"),
                         ("malformed_code", "complaint_territory")],
    "national_dispatched_complaints": [("unknown_item_code", "item_code"),
                                       ("unknown_entity", "credentials_value"),
                                       ("date_order_violation", "deadline"),
                                       ("empty_required_field", "content")],
    "credit_penalties": [("bad_check_character", "party_uscc"),
                         ("unknown_entity", "party_uscc"), ("unknown_reference", "action_id"),
                         ("date_order_violation", "public_end_date"),
                         ("unknown_code", "punish_type"),
                         ("empty_required_field", "decision_no"),
                         ("impossible_date", "decision_date")],
    "credit_abnormal_operations": [("future_date", "list_date"),
                                   ("date_order_violation", "remove_date"),
                                   ("unknown_entity", "uscc"), ("unknown_code", "list_reason")],
    "credit_serious_violations": [("bad_check_character", "uscc"),
                                  ("empty_required_field", "list_reason")],
    "credit_red_black_lists": [("unknown_entity", "uscc"), ("unknown_code", "list_type"),
                               ("date_order_violation", "valid_until")],
    "credit_classes": [("unknown_code", "credit_class"), ("malformed_code", "division_code"),
                       ("duplicate_key_different_content", "uscc")],
    "third_party_opinion": [("unknown_entity", "entity_uscc"), ("future_date", "published_at"),
                            ("empty_required_field", "title"), ("unknown_code", "sentiment"),
                            ("malformed_row", "_row")],
    "third_party_readings": [("unknown_reference", "entity_id"),
                             ("bad_check_character", "enterprise_uscc"),
                             ("unknown_code", "indicator_code"),
                             ("future_date", "measured_at"),
                             ("impossible_date", "measured_at")],
    "knowledge": [("impossible_date", "issued_date"), ("mixed_date_formats", "issued_date"),
                  ("empty_required_field", "title"), ("unknown_code", "kind"),
                  ("date_order_violation", "effective_date"),
                  ("malformed_code", "item_codes")],
    "national_feedback": [("unknown_reference", "record_id"),
                          ("unknown_code", "check_category"), ("malformed_code", "batch_no"),
                          ("impossible_date", "feedback_date")],
}
# the field a duplicate's second copy changes (its key stays): a corrected re-send
DUPLICATE_CHANGES = {"supervised_entities": "address", "enforcement_officers": "post",
                     "supervision_actions": "content", "hotline_12345": "reply",
                     "credit_classes": "score"}
FILE_FAULTS = ("redelivered_file", "header_renamed", "columns_reordered", "wrong_encoding",
               "truncated_file", "invalid_json_page", "missing_page", "page_records_mismatch",
               "empty_file")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


# ------------------------------------------------------------------------------- helpers

_TOKEN = re.compile(r"'[^']*'|yyyy|MM|M|dd|d|HH|mm|ss|.")


def format_date(value: date | datetime, pattern: str) -> str:
    """Format with a Spark datetime pattern (the subset the contracts use)."""
    out = []
    for tok in _TOKEN.findall(pattern):
        if tok.startswith("'"):
            out.append(tok[1:-1])
        elif tok == "yyyy":
            out.append(f"{value.year:04d}")
        elif tok == "MM":
            out.append(f"{value.month:02d}")
        elif tok == "M":
            out.append(str(value.month))
        elif tok == "dd":
            out.append(f"{value.day:02d}")
        elif tok == "d":
            out.append(str(value.day))
        elif tok in ("HH", "mm", "ss"):
            dt = value if isinstance(value, datetime) else datetime(value.year, value.month,
                                                                    value.day)
            out.append(f"{dt.hour if tok == 'HH' else dt.minute if tok == 'mm' else dt.second:02d}")
        else:
            out.append(tok)
    return "".join(out)


def strptime_pattern(pattern: str) -> str:
    """The `datetime.strptime` form of a Spark pattern (for tests and parsing)."""
    table = {"yyyy": "%Y", "MM": "%m", "M": "%m", "dd": "%d", "d": "%d", "HH": "%H",
             "mm": "%M", "ss": "%S"}
    return "".join(tok[1:-1] if tok.startswith("'") else table.get(tok, tok)
                   for tok in _TOKEN.findall(pattern))


def parse_date(text: str, patterns) -> datetime | None:
    for pattern in patterns:
        try:
            return datetime.strptime(text, strptime_pattern(pattern))
        except ValueError:
            continue
    return None


def add_working_days(day: date, n: int) -> date:
    """n working days after `day`, skipping weekends (no holiday calendar: an assumption)."""
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def gb11714_check(body8: str) -> str:
    """Check character of an organisation code body (GB 11714: digits, then A=10 … Z=35)."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w
                for c, w in zip(body8, (3, 7, 9, 10, 5, 8, 4, 2)))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def id_number(division: str, birth: date, sequence: int) -> str:
    """An 18-digit GB 11643 number: division + birth date + sequence + check character."""
    first17 = f"{division}{birth:%Y%m%d}{sequence:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


def _contract_dir() -> str:
    return str(REPO_ROOT / "schemas")


def contract(name: str) -> Contract:
    return get_contract(name, _contract_dir())


# ------------------------------------------------------------------------ the fault engine

class Faults:
    """Decides and applies row faults; records the ground truth."""

    def __init__(self, seed: int, rate: float, run_date: date):
        self.rate = rate
        self.run_date = run_date
        self.seed = seed
        self.rows: list[tuple[str, int | str, str, str]] = []
        self._rng: dict[str, random.Random] = {}
        self._pending = {s: list(pairs) if rate > 0 else [] for s, pairs in ROW_FAULTS.items()}
        self._seen = {s: 0 for s in ROW_FAULTS}
        self.unknown_uscc = None  # set by the generator (a valid USCC of nobody)
        self.unknown_item = None
        self.unknown_action = None
        self.unknown_entity_id = None

    def rng(self, source: str) -> random.Random:
        if source not in self._rng:
            self._rng[source] = random.Random(f"{self.seed}:faults:{source}")
        return self._rng[source]

    @staticmethod
    def _applicable(row: dict, field: str, cls: str) -> bool:
        if field == "_row":
            return True
        value = row.get(field)
        if value in (None, ""):
            return False
        if cls in ("bad_check_character", "legacy_15_digit_id") and len(str(value)) != 18:
            return False
        return True

    def decide(self, source: str, row: dict, eligible: bool = True):
        """(fault_class, field) for this row, or None. Forced pairs first, then at the rate."""
        if self.rate <= 0 or not eligible:
            return None
        rng = self.rng(source)
        self._seen[source] += 1
        pending = self._pending[source]
        if pending and self._seen[source] % 2 == 0:
            for i, (cls, field) in enumerate(pending):
                if self._applicable(row, field, cls):
                    return pending.pop(i)
        if rng.random() >= self.rate:
            return None
        options = [(c, f) for c, f in ROW_FAULTS[source] if self._applicable(row, f, c)]
        return rng.choice(options) if options else None

    def label(self, file: str, row_number: int | str, field: str, cls: str) -> None:
        self.rows.append((file, row_number, field, cls))

    def unlabel(self, file: str, row_number: int) -> None:
        self.rows = [r for r in self.rows if not (r[0] == file and r[1] == row_number)]

    def missing(self) -> dict[str, list]:
        return {s: p for s, p in self._pending.items() if p}

    # -- mutations ------------------------------------------------------------------------
    def mutate(self, source: str, c: Contract, cls: str, field: str, row: dict) -> None:
        rng = self.rng(source)
        f = c.field(field)
        value = row.get(field)
        if cls == "bad_check_character":
            alphabet = "0123456789X" if f.check == "id_number" else \
                "0123456789ABCDEFGHJKLMNPQRTUWXY"
            row[field] = value[:-1] + rng.choice([ch for ch in alphabet if ch != value[-1]])
        elif cls == "legacy_15_digit_id":
            row[field] = value[:6] + value[8:17]
        elif cls == "malformed_code":
            if f.type == "list":
                items = value.split(f.separator or ";")
                row[field] = (f.separator or ";").join([items[0][:-1]] + items[1:])
            elif field == "license_no":
                row[field] = f"{value[:2]}-{value[2:4]}-{value[4:]}"
            elif field == "batch_no":
                row[field] = value[:8] + "-" + value[8:]
            else:
                row[field] = value[:-2]
        elif cls == "unknown_item_code":
            row[field] = self.unknown_item
        elif cls == "unknown_entity":
            row[field] = self.unknown_uscc
        elif cls == "unknown_reference":
            row[field] = self.unknown_entity_id if field == "entity_id" else self.unknown_action
        elif cls == "future_date":
            later = self.run_date + timedelta(days=rng.randint(3, 60))
            row[field] = format_date(datetime.combine(later, datetime.min.time()).replace(
                hour=10), f.formats[0] if f.formats else "yyyy-MM-dd")
        elif cls == "impossible_date":
            fmt = f.formats[0] if f.formats else "yyyy-MM-dd"
            text = f"{self.run_date.year}-{rng.choice(['02-30', '02-31', '04-31', '06-31'])}"
            row[field] = text + (" 10:00:00" if "HH" in fmt else "")
        elif cls == "empty_required_field":
            row[field] = ""
        elif cls == "fullwidth_digits_and_whitespace":
            row[field] = rng.choice(["　", " ", ""]) + str(value).translate(FULLWIDTH) + \
                rng.choice(["　", " "])
        elif cls == "mixed_date_formats":
            parsed = parse_date(value, f.formats[:1])
            row[field] = format_date(parsed, rng.choice(f.formats[1:]))
        elif cls == "date_order_violation":
            other = c.field(f.not_before)
            start = parse_date(row[other.name], other.formats)
            earlier = start - timedelta(days=rng.randint(1, 30))
            row[field] = format_date(earlier, f.formats[0])
        elif cls == "unknown_code":
            allowed = set(f.codes.values() if f.delivered_as == "label" else f.codes)
            wrong = {"action_type": "检查", "satisfaction": "非常满意", "nature_code": "06",
                     "kind": "法规", "sentiment": "不明", "credit_class": "E",
                     "check_category": "11", "punish_type": "15", "list_reason": "9",
                     "list_type": "灰名单", "status": "06", "risk_focus": "重点",
                     "claimed_by_department": "已认领", "object_type": "企业",
                     "check_type": "日常巡查", "indicator_code": "VOC"}.get(field, "99")
            assert wrong not in allowed, (source, field, wrong)
            row[field] = wrong
        elif cls == "too_few_officers":
            row[field] = value.split(f.separator or ";")[0]
        else:
            raise ValueError(f"no mutation for {cls}")


# ------------------------------------------------------------------------------- writers

class Writer:
    """One delivered file of a source: applies a row's fault, writes it, labels it."""

    source: str
    rel: str

    def __init__(self, gen: "Generator", source: str, rel: str):
        self.gen, self.source, self.rel = gen, source, rel
        self.contract = contract(source)
        self.count = 0

    def label_file(self, number: int) -> str:
        return self.rel

    def write(self, row: dict, fault=None) -> int:
        faults = self.gen.faults
        if fault is None:
            return self._emit(row)
        cls, field = fault
        if cls == "duplicate_key_different_content":
            number = self._emit(row)
            faults.label(self.label_file(number), number, field, cls)
            again = dict(row)
            changed = DUPLICATE_CHANGES[self.source]
            old = again.get(changed)
            if isinstance(old, (int, float)):
                again[changed] = round(old + 1.5, 1)
            else:
                again[changed] = f"{old or ''}（更正）"
            self._emit(again)
            return number
        if cls == "malformed_row":
            number = self._emit_malformed(row)
            faults.label(self.label_file(number), number, "_row", cls)
            return number
        bad = dict(row)
        faults.mutate(self.source, self.contract, cls, field, bad)
        number = self._emit(bad)
        faults.label(self.label_file(number), number, field, cls)
        return number

    def emit(self, row: dict, eligible: bool = True):
        """Decide a fault for `row`, write it; return the fault (None for a clean row)."""
        fault = self.gen.faults.decide(self.source, row, eligible)
        self.write(row, fault)
        return fault

    def _emit(self, row: dict) -> int:
        raise NotImplementedError

    def _emit_malformed(self, row: dict) -> int:
        raise ValueError(f"{self.source}: no malformed rows for this format")

    def close(self) -> None:
        pass


class CsvWriter(Writer):
    def __init__(self, gen, source, rel, order: list[str] | None = None,
                 encoding: str | None = None):
        super().__init__(gen, source, rel)
        self.names = order or self.contract.field_names
        encoding = encoding or self.contract.encoding
        if encoding == "gb18030":
            encoding = "gbk"  # departments deliver GBK; the contract reads it as GB18030
        self.path = gen.landing / rel
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "w", encoding=encoding, newline="")
        self.csv = csv.writer(self.handle, lineterminator="\r\n")
        self.csv.writerow([self.contract.field(n).header for n in self.names])

    def _values(self, row: dict) -> list[str]:
        return ["" if row.get(n) is None else str(row[n]) for n in self.names]

    def _emit(self, row: dict) -> int:
        self.csv.writerow(self._values(row))
        self.count += 1
        return self.count

    def _emit_malformed(self, row: dict) -> int:
        values = self._values(row)  # a delimiter inside an unquoted text: one field too many
        longest = max(range(len(values)), key=lambda i: len(values[i]))
        text = values[longest]
        cut = max(1, len(text) // 2)
        self.csv.writerow(values[:longest] + [text[:cut], text[cut:]] + values[longest + 1:])
        self.count += 1
        return self.count

    def close(self) -> None:
        self.handle.close()


def _nest(contract_: Contract):
    """Row (field name → value) → the nested JSON record its contract's dotted keys describe;
    None values are left out, numbers stay JSON numbers."""
    paths = [(f.name, f.key.split(".")) for f in contract_.fields]

    def build(row: dict) -> dict:
        doc: dict = {}
        for name, path in paths:
            value = row.get(name)
            if value is None:
                continue
            node = doc
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = value
        return doc
    return build


def _dumps(doc) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


class JsonlWriter(Writer):
    def __init__(self, gen, source, rel):
        super().__init__(gen, source, rel)
        self.build = _nest(self.contract)
        self.path = gen.landing / rel
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "w", encoding="utf-8", newline="")

    def _emit(self, row: dict) -> int:
        self.handle.write(_dumps(self.build(row)) + "\n")
        self.count += 1
        return self.count

    def _emit_malformed(self, row: dict) -> int:
        text = _dumps(self.build(row))  # an unescaped quote, as a hand-rolled exporter makes
        at = text.index('":"') + 3
        self.handle.write(text[:at] + '"' + text[at:] + "\n")
        self.count += 1
        return self.count

    def close(self) -> None:
        self.handle.close()


class PagedDumpWriter(Writer):
    """A paged API dump `<dump>_p<NNNN>.json`; records are buffered in a temporary file."""

    def __init__(self, gen, source, dump: str, page_size: int):
        super().__init__(gen, source, f"{source}/{gen.day}/{dump}")
        self.dump, self.page_size = dump, page_size
        self.build = _nest(self.contract)
        self.buffer = tempfile.TemporaryFile("w+", encoding="utf-8", dir=gen.out)
        self.page_fault: str | None = None

    def page_file(self, page: int) -> str:
        return f"{self.source}/{self.gen.day}/{self.dump}_p{page:04d}.json"

    def label_file(self, number: int) -> str:
        return f"{self.rel}#"  # settled in close(), once the page size is final

    def _emit(self, row: dict) -> int:
        self.buffer.write(_dumps(self.build(row)) + "\n")
        self.count += 1
        return self.count

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.count / self.page_size))

    def close(self) -> None:
        self.buffer.seek(0)
        if self.page_fault and self.count > 1:  # a page fault needs a dump of 2 pages or more
            self.page_size = min(self.page_size, math.ceil(self.count / 2))
        total, size = self.count, self.page_size
        pages = self.pages
        rows = self.gen.faults.rows
        for i, (file, number, field, cls) in enumerate(rows):
            if file == f"{self.rel}#":
                rows[i] = (self.page_file((number - 1) // size + 1), number, field, cls)
        skip = {"missing_page": min(2, pages)}.get(self.page_fault)
        if self.page_fault:
            broken = {"missing_page": skip, "invalid_json_page": min(2, pages),
                      "page_records_mismatch": 1}[self.page_fault]
            self.gen.faults.label(self.page_file(broken), "", "", self.page_fault)
        for page in range(1, pages + 1):
            records = [self.buffer.readline().rstrip("\n") for _ in range(size)]
            records = [r for r in records if r]
            if page == skip:
                continue
            if self.page_fault == "page_records_mismatch" and page == 1:
                records = records[:-1]
            text = ('{"code":200,"msg":"success","data":{"page_no":%d,"page_size":%d,'
                    '"total":%d,"records":[%s]}}\n' % (page, size, total, ",".join(records)))
            if self.page_fault == "invalid_json_page" and page == min(2, pages):
                text = ("<html><head><title>502 Bad Gateway</title></head><body><center>"
                        "<h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body>"
                        "</html>\n")
            path = self.gen.landing / self.page_file(page)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        self.buffer.close()


class XlsxWriter(Writer):
    def __init__(self, gen, source, rel, rename: dict[str, str] | None = None):
        super().__init__(gen, source, rel)
        self.rows: list[list] = []
        self.rename = rename or {}

    def _emit(self, row: dict) -> int:
        self.rows.append([None if row.get(n) is None else str(row[n])
                          for n in self.contract.field_names])
        self.count += 1
        return self.count

    def close(self) -> None:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet(self.contract.sheet or "Sheet1")
        headers = [f.header for f in self.contract.fields]
        sheet.append([self.rename.get(h, h) for h in headers])
        for row in self.rows:
            sheet.append(row)
        fixed = datetime(2024, 1, 1)
        book.properties.creator = "政务服务平台"
        book.properties.created = fixed
        buffer = io.BytesIO()
        book.save(buffer)
        path = self.gen.landing / self.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_stable_zip(buffer.getvalue(), fixed))


def _stable_zip(data: bytes, when: datetime) -> bytes:
    """Re-pack an xlsx with fixed entry times and document dates, so its bytes are stable."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                              lambda m: m.group(1) + stamp.encode() + m.group(3), body)
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, body)
    return out.getvalue()


# ----------------------------------------------------------------------------- the province

@dataclass
class Unit:
    dept: str
    name: str
    uscc: str
    division: str
    city: str | None  # 4-digit city prefix, None for the provincial unit


@dataclass
class Item:
    code: str
    dept: str
    main: str
    sub: str
    object_type: str
    level: str
    law: str


@dataclass(slots=True)
class Entity:
    entity_id: str
    kind: str
    subtype: str
    name: str | None
    uscc: str | None
    division: str
    profile: str | None
    owner: "Entity | None" = None
    person_name: str | None = None
    id_number: str | None = None
    legal_rep: str | None = None
    credit_class: str = ""
    lists: tuple[str, ...] = ()
    registered: date | None = None
    depts: tuple[str, ...] = ()
    risk: str = "general"


class Pool:
    """Weighted random choice with precomputed cumulative weights."""

    def __init__(self, items: list, weights: list[float] | None = None):
        self.items = items
        self.cum = list(accumulate(weights if weights is not None else [1] * len(items)))

    def __bool__(self) -> bool:
        return bool(self.items)

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.cum[-1])]


@dataclass
class Summary:
    out: Path
    seconds: float
    rows: dict
    files: int
    bytes: int
    faults: int
    unforced: dict  # (class, field) pairs that found no row to land on (tiny scales only)


class Generator:
    def __init__(self, out: Path, seed: int = DEFAULT_SEED, run_date: date = DEFAULT_RUN_DATE,
                 scale: float = 1.0, fault_rate: float = 0.01):
        self.out = Path(out)
        self.landing = self.out / "landing"
        self.seed, self.run_date, self.scale = seed, run_date, scale
        self.day = run_date.isoformat()
        self.ymd = run_date.strftime("%Y%m%d")
        self.window_start = run_date - timedelta(days=WINDOW_DAYS - 1)
        self.faults = Faults(seed, fault_rate, run_date)
        self.rows: dict[str, int] = {s: 0 for s in SOURCES}
        table = _division_table()
        self.counties = [(c, n) for c, n in current_divisions(PROVINCE) if n != "市辖区"]
        self.city_codes = sorted({c[:4] for c, _ in self.counties})
        self.city_names = {c: re.sub(r"^\[[0-9]*-\]", "", table[c + "00"])
                           for c in self.city_codes}
        self.county_names = dict(self.counties)
        start = {}
        for code, _ in self.counties:
            m = re.match(r"^\[([0-9]*)-\]", table[code])
            start[code] = int(m.group(1)) if m and m.group(1) else 0
        self.division_since = start
        self._ids: set[str] = set()
        self._orgs: set[str] = set()
        self._item_pools: dict[tuple, Pool] = {}
        self._profile_pools: dict[tuple, Pool] = {}
        self._places: dict[int, list[str]] = {}

    # -- small makers -----------------------------------------------------------------------
    def rng(self, part: str) -> random.Random:
        return random.Random(f"{self.seed}:{part}")

    def person(self, rng) -> str:
        given = rng.choice((1, 2, 2))
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(given))

    @staticmethod
    def mobile(rng) -> str:
        return "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9))

    def org_code(self, rng, new_style: bool) -> str:
        while True:
            if new_style:  # post-2015 codes: MA + 6 characters of the USCC alphabet
                body = "MA" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY")
                                      for _ in range(6))
                code = body + gb11714_check(body)
            else:
                code = numeric_org_code(rng)
            if code not in self._orgs:
                self._orgs.add(code)
                return code

    def uscc(self, rng, prefix: str, division: str, new_style: bool) -> str:
        return uscc_with_check(prefix + division + self.org_code(rng, new_style))

    def id_for(self, rng, birth_from: int, birth_to: int) -> tuple[str, int]:
        """(ID number, sex code 1/2) of a person born in Shanxi in [birth_from, birth_to]."""
        while True:
            year = rng.randint(birth_from, birth_to)
            if year not in self._places:
                self._places[year] = [c for c, since in self.division_since.items()
                                      if since <= year]
            places = self._places[year]
            place = rng.choice(places)
            birth = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
            number = id_number(place, birth, rng.randint(1, 999))
            if number not in self._ids:
                self._ids.add(number)
                return number, 1 if int(number[16]) % 2 else 2

    def address(self, rng, division: str) -> str:
        return (self.city_names[division[:4]] + self.county_names.get(division, "")
                + rng.choice(STREETS) + f"{rng.randint(1, 399)}号")

    def dt_in_window(self, rng, hours=(8, 21)) -> datetime:
        day = self.window_start + timedelta(days=rng.randint(0, WINDOW_DAYS - 1))
        return datetime(day.year, day.month, day.day, rng.randint(*hours), rng.randint(0, 59),
                        rng.randint(0, 59))

    def writer(self, kind: str, source: str, rel: str, **kw) -> Writer:
        return {"csv": CsvWriter, "jsonl": JsonlWriter, "xlsx": XlsxWriter}[kind](
            self, source, rel, **kw)

    def count(self, source: str, writer: Writer) -> None:
        self.rows[source] += writer.count

    # -- the run ----------------------------------------------------------------------------
    def run(self) -> Summary:
        started = time.perf_counter()
        self._clear()
        self.build_units()
        self.write_items()
        self.write_checklists()
        self.write_entities()
        self.write_officers()
        self.write_approvals()
        self.write_credit_lists()
        self.write_actions()
        self.write_hotline()
        self.write_12315()
        self.write_dispatched()
        self.write_opinion()
        self.write_readings()
        self.write_knowledge()
        self.write_file_faults()
        self.write_ground_truth()
        files = [p for s in SOURCES
                 for p in (self.landing / contract(s).landing_dir / self.day).glob("*")]
        return Summary(self.out, time.perf_counter() - started, dict(self.rows), len(files),
                       sum(p.stat().st_size for p in files), len(self.faults.rows),
                       self.faults.missing())

    def _clear(self) -> None:
        out = self.out.resolve()
        if out == (REPO_ROOT / "data_samples").resolve():
            raise ValueError("refusing to write into data_samples/ itself: it holds the "
                             "foundation samples; use data_samples/province or another folder")
        large = (REPO_ROOT / "data_samples" / "large").resolve()
        if self.scale > 5 and out.is_relative_to(REPO_ROOT.resolve()) \
                and not out.is_relative_to(large):
            raise ValueError(f"scale {self.scale} inside the repository belongs under {large} "
                             "(ignored by git)")
        for source in SOURCES:
            folder = self.landing / contract(source).landing_dir / self.day
            if folder.exists():
                shutil.rmtree(folder)
        self.landing.mkdir(parents=True, exist_ok=True)

    # -- departments, units, catalog -----------------------------------------------------------
    def build_units(self) -> None:
        rng = self.rng("units")
        self.units: dict[str, Unit] = {}
        self.city_units: dict[tuple[str, str], Unit] = {}
        for dept, (name, suffix) in DEPARTMENTS.items():
            division = PROVINCE + "0000"
            self.units[dept] = Unit(dept, name, self.uscc(rng, "11", division, False), division,
                                    None)
            if suffix:
                for city in self.city_codes:
                    unit = Unit(dept, self.city_names[city] + suffix,
                                self.uscc(rng, "11", city + "00", False), city + "00", city)
                    self.city_units[(dept, city)] = unit

    def profile_pool(self, profiles: tuple[str, ...]) -> Pool:
        if profiles not in self._profile_pools:
            members = [e for e in self.clean_legal if e.profile in profiles]
            self._profile_pools[profiles] = Pool(members, [CLASS_WEIGHT[e.credit_class]
                                                           for e in members])
        return self._profile_pools[profiles]

    def legal_for(self, item: Item) -> Pool:
        """Clean legal persons that an item's checks are about (weighted by credit class)."""
        profiles = next((v for k, v in ITEM_PROFILES.items() if k in item.main), None)
        pool = self.legal_by_dept[item.dept]
        if profiles is None:
            return pool
        if (item.dept, profiles) not in self._item_pools:
            members = [e for e in pool.items if e.profile in profiles]
            self._item_pools[(item.dept, profiles)] = Pool(
                members, [CLASS_WEIGHT[e.credit_class] for e in members]) if members else pool
        return self._item_pools[(item.dept, profiles)]

    def unit_for(self, dept: str, division: str) -> Unit:
        return self.city_units.get((dept, division[:4]), self.units[dept])

    def write_items(self) -> None:
        rng = self.rng("items")
        subs = max(1, min(len(SUB_ITEMS), 1 + int(math.log2(max(self.scale, 1)))))
        catalog = []
        for dept in DEPARTMENTS:
            if dept in ITEM_NAMES:
                mains = [(n, _ITEM_OBJECT.get(n, "legal_person"),
                          next((law for k, law in _ITEM_LAW.items() if k in n),
                               "《中华人民共和国行政许可法》")) for n in ITEM_NAMES[dept]]
            else:
                mains = NEW_ITEMS[dept]
            for m, (main, obj, law) in enumerate(mains, start=1):
                for s in range(1, subs + 1):
                    sub = f"{main}（{SUB_ITEMS[s - 1]}）"
                    catalog.append(Item(f"{dept}{PROVINCE}0000{m:04d}{s:02d}", dept, main, sub,
                                        obj, rng.choice("2334")[0], law))
        self.faults.unknown_item = f"31{PROVINCE}0000999999"
        c = contract("supervision_items")
        w = self.writer("csv", "supervision_items",
                        f"supervision_items/{self.day}/supervision_items_{self.day}.csv")
        self.items: dict[str, list[Item]] = {d: [] for d in DEPARTMENTS}
        labels = {k: v for k, v in c.field("object_type").codes.items()}
        for item in catalog:
            row = {"item_code": item.code, "department_code": item.dept,
                   "department_name": DEPARTMENTS[item.dept][0], "main_item_name": item.main,
                   "sub_item_name": item.sub, "object_type": labels[item.object_type],
                   "item_level": item.level}
            if w.emit(row) is None:
                self.items[item.dept].append(item)
        w.close()
        self.count("supervision_items", w)
        self.covered = {d: items[:max(1, round(len(items) * COVERED_SHARE[d]))]
                        for d, items in self.items.items()}
        self.item_by_main = {(i.dept, i.main): i for d in self.covered for i in
                             reversed(self.covered[d])}

    def write_checklists(self) -> None:
        rng = self.rng("checklists")
        c = contract("inspection_checklists")
        types = c.field("check_type").codes
        objects = c.field("object_type").codes
        seq: dict[str, int] = {}
        self.checklist_files = []
        for dept, items in self.items.items():
            rel = f"inspection_checklists/{self.day}/inspection_checklists_{dept}_{self.day}.csv"
            w = self.writer("csv", "inspection_checklists", rel)
            self.checklist_files.append((rel, w))
            for item in items:
                agencies = [(self.units[dept], "2")]
                city_unit = self.city_units.get((dept, rng.choice(self.city_codes)))
                if city_unit and rng.random() < 0.25:
                    agencies.append((city_unit, "3"))
                for unit, level in agencies:
                    seq[unit.uscc] = seq.get(unit.uscc, 0) + 1
                    code = f"{unit.uscc}{level}{seq[unit.uscc]:04d}"
                    topic = re.sub(r"(监督检查|监督抽查|执行情况检查|动态巡查|检查)$", "", item.main)
                    points = CHECK_POINTS[item.object_type]
                    published = self.run_date - timedelta(days=rng.randint(200, 1500))
                    for no, point in enumerate(points[:rng.randint(3, 4)], start=1):
                        w.emit({"checklist_code": code,
                                "checklist_name": f"{unit.name}{item.sub}检查实施清单",
                                "item_code": item.code, "agency_name": unit.name,
                                "agency_uscc": unit.uscc, "level": level,
                                "division_code": unit.division, "check_point_no": str(no),
                                "check_point": point.format(t=topic),
                                "check_method": rng.choice(CHECK_METHODS),
                                "check_type": types[rng.choice(["daily", "daily", "random",
                                                                "special"])],
                                "legal_basis": item.law, "penalty_basis": f"{item.law}相关罚则",
                                "object_type": objects[item.object_type], "status": "01",
                                "published_date": format_date(published, "yyyy-MM-dd")})
            w.close()
            self.count("inspection_checklists", w)

    # -- entities ---------------------------------------------------------------------------
    def write_entities(self) -> None:
        """Legal persons first (their faults decided as they are written), then the objects,
        whose owners are clean legal persons; one GBK file per city."""
        rng = self.rng("entities")
        total = max(150, int(300 * self.scale))
        n_legal = total - sum(round(total * s) for s in KIND_SHARE.values())
        seq = {k: 0 for k in KIND_DIGIT}
        names: set[str] = set()
        profile_pool = Pool(PROFILES, [p.weight for p in PROFILES])
        county_pool = Pool([c for c, _ in self.counties])
        class_pool = Pool([k for k, _ in CLASS_MIX], [w for _, w in CLASS_MIX])
        forms = {p.key: Pool([f for f, _ in p.forms], [w for _, w in p.forms]) for p in PROFILES}

        def next_id(kind: str, division: str) -> str:
            seq[kind] += 1
            return f"JG{division}{KIND_DIGIT[kind]}{seq[kind]:07d}"

        legal: list[Entity] = []
        for _ in range(n_legal):
            profile = profile_pool.pick(rng)
            division = county_pool.pick(rng)
            form = forms[profile.key].pick(rng)
            registered = date(1998, 1, 1) + timedelta(days=rng.randint(0, (
                self.run_date - date(1998, 1, 1)).days - 30))
            word = rng.choice(profile.words)
            county = self.county_names[division]
            while True:
                zihao = "".join(rng.choice(ZIHAO) for _ in range(rng.choice((2, 2, 3))))
                if form == "sole":
                    name = f"{county}{zihao}{word}"
                elif form == "coop":
                    name = f"{county}{zihao}{word}专业合作社"
                else:
                    place = self.city_names[division[:4]] if rng.random() < 0.8 else "山西"
                    name = f"{place}{zihao}{word}" + rng.choice(
                        ("有限公司", "有限公司", "有限责任公司", "股份有限公司"))
                if name not in names:
                    names.add(name)
                    break
            prefix, subtype = {"sole": ("92", "个体工商户"), "coop": ("93", "农民专业合作社"),
                               "company": ("91", "企业")}[form]
            lists = [key for key in ("serious", "abnormal", "black")
                     if rng.random() < LIST_SHARE[key]]
            klass = class_pool.pick(rng)
            if "serious" in lists or "black" in lists:
                klass = "D"
            elif "abnormal" in lists and klass in "AB":
                klass = "C"
            if klass == "A" and rng.random() < LIST_SHARE["red_of_a"]:
                lists.append("red")
            legal.append(Entity(
                next_id("legal_person", division), "legal_person", subtype, name,
                self.uscc(rng, prefix, division, registered >= date(2015, 10, 1)), division,
                profile.key, legal_rep=self.person(rng), credit_class=klass,
                lists=tuple(lists), registered=registered, depts=profile.depts,
                risk=profile.risk))
        # small provinces still get a few entries on each credit list
        bare = [e for e in legal if not e.lists]
        for key, minimum in (("abnormal", 10), ("serious", 5), ("black", 4), ("red", 4)):
            have = sum(1 for e in legal if key in e.lists)
            for e in rng.sample(bare, min(len(bare), max(0, minimum - have))):
                e.lists = (key,)
                e.credit_class = {"serious": "D", "black": "D", "abnormal": "C",
                                  "red": "A"}[key]
            bare = [e for e in bare if not e.lists]

        writers: dict[str, Writer] = {}
        reordered = self.city_codes[1] if self.faults.rate > 0 else None
        names_ = contract("supervised_entities").field_names
        for city in self.city_codes:
            rel = f"supervised_entities/{self.day}/supervised_entities_{city}_{self.day}.csv"
            order = None
            if city == reordered:  # file level: columns_reordered (accepted as delivered)
                order = names_[1:4] + names_[:1] + names_[6:] + names_[4:6]
                self.faults.label(rel, "", "", "columns_reordered")
            writers[city] = self.writer("csv", "supervised_entities", rel, order=order)

        def write(e: Entity) -> bool:
            return writers[e.division[:4]].emit(self.entity_row(e, rng)) is None

        self.clean_legal = [e for e in legal if write(e)]
        del legal, bare
        by_profile: dict[str, list[Entity]] = {}
        for e in self.clean_legal:
            by_profile.setdefault(e.profile, []).append(e)
        candidates_of: dict[tuple, list[Entity]] = {}
        objects: dict[tuple[str, str], list[Entity]] = {}
        for kind, share in KIND_SHARE.items():
            for _ in range(round(total * share)):
                subtype, depts, owners, risk = rng.choice(OBJECT_SUBTYPES[kind])
                if owners not in candidates_of:
                    candidates_of[owners] = [e for p in owners for e in by_profile.get(p, [])]
                candidates = candidates_of[owners] or self.clean_legal
                owner = rng.choice(candidates)
                division = owner.division
                if kind == "natural_person":
                    number, _ = self.id_for(rng, 1962, 1998)
                    e = Entity(next_id(kind, division), kind, subtype, None, None, division,
                               None, owner=owner, person_name=self.person(rng),
                               id_number=number, depts=depts, risk=risk,
                               registered=owner.registered + timedelta(days=rng.randint(0, 900)))
                else:
                    label = {"equipment": f"{rng.randint(1, 30)}号{subtype}",
                             "product": f"{subtype}（批号{rng.randint(20230001, 20249999)}）",
                             "site": f"{rng.randint(1, 9)}号{subtype}",
                             "project": f"{subtype}（{rng.choice(('一期', '二期', '三期'))}）"}[kind]
                    e = Entity(next_id(kind, division), kind, subtype,
                               f"{owner.name}{label}", None, division, None, owner=owner,
                               depts=depts, risk=risk,
                               registered=max(owner.registered, date(2005, 1, 1))
                               + timedelta(days=rng.randint(0, 2000)))
                e.registered = min(e.registered, self.run_date - timedelta(days=10))
                if write(e):
                    for dept in depts:
                        objects.setdefault((dept, kind), []).append(e)
        for w in writers.values():
            w.close()
            self.count("supervised_entities", w)
        self.objects = {k: Pool(v) for k, v in objects.items()}
        self.legal_by_dept: dict[str, Pool] = {}
        for dept in DEPARTMENTS:
            members = [e for e in self.clean_legal if dept in e.depts]
            self.legal_by_dept[dept] = Pool(members, [CLASS_WEIGHT[e.credit_class]
                                                      for e in members])
        self.all_legal = Pool(self.clean_legal, [CLASS_WEIGHT[e.credit_class]
                                                 for e in self.clean_legal])
        self.faults.unknown_uscc = self.uscc(self.rng("unknown"), "91", self.counties[0][0],
                                             True)
        self.faults.unknown_entity_id = f"JG{self.counties[0][0]}59999999"

    def entity_row(self, e: Entity, rng) -> dict:
        c = contract("supervised_entities")
        kinds = c.field("kind").codes
        risk = e.risk
        key = "yes" if (e.credit_class in ("C", "D") or risk in ("hazardous_chemicals",
                                                                  "mine_safety")) else "no"
        row = {"entity_id": e.entity_id, "kind": kinds[e.kind], "subtype": e.subtype,
               "name": e.name, "uscc": e.uscc, "person_name": e.person_name,
               "id_number": e.id_number,
               "owner_uscc": e.owner.uscc if e.owner else None,
               "owner_name": e.owner.name if e.owner else None,
               "division_code": e.division,
               "address": None if e.kind == "natural_person" else self.address(rng, e.division),
               "industry_code": None, "industry_name": None, "legal_rep": e.legal_rep,
               "registered_date": format_date(e.registered, "yyyy-MM-dd") if e.registered
               else None,
               "registration_status": None, "risk_focus": RISK_LABEL[risk],
               "key_supervision": "是" if key == "yes" else "否",
               "credit_class": e.credit_class or None}
        if e.kind == "legal_person":
            profile = PROFILE[e.profile]
            row["industry_code"] = profile.industry
            row["industry_name"] = INDUSTRIES[profile.industry]
            row["registration_status"] = "存续" if "serious" not in e.lists or \
                rng.random() < 0.7 else "吊销"
        return row

    # -- officers ---------------------------------------------------------------------------
    def write_officers(self) -> None:
        rng = self.rng("officers")
        c = contract("enforcement_officers")
        statuses = c.field("status").codes
        per_dept = 6 + math.ceil(4 * self.scale)
        posts = ("执法检查", "稽查办案", "案件审核", "监督检查", "综合执法")
        quals = {"31": ("食品安全", "特种设备安全监察", "产品质量", "市场监管综合执法"),
                 "72": ("药品监管", "医疗器械监管", "化妆品监管"),
                 "16": ("生态环境保护综合执法", "辐射安全"), "25": ("安全生产执法", "危险化学品"),
                 "17": ("建筑市场监管", "工程质量安全"), "18": ("交通运输综合执法",),
                 "20": ("农业综合执法",), "23": ("卫生健康监督",), "22": ("文化市场综合执法",),
                 "15": ("自然资源执法",)}
        w = self.writer("csv", "enforcement_officers",
                        f"enforcement_officers/{self.day}/enforcement_officers_{self.day}.csv")
        self.officers: dict[tuple[str, str | None], list[str]] = {}
        used: set[tuple[str, int]] = set()
        for dept in DEPARTMENTS:
            for _ in range(per_dept):
                units = [self.units[dept]] + [u for (d, _), u in self.city_units.items()
                                              if d == dept]
                unit = units[0] if len(units) == 1 or rng.random() < 0.25 else rng.choice(units[1:])
                while True:
                    n = rng.randint(1, 999999)
                    if (dept, n) not in used:
                        used.add((dept, n))
                        break
                license_no = f"{PROVINCE}{dept}{n:06d}"
                number, sex = self.id_for(rng, 1965, 1998)
                status = rng.choices(["active", "transferred", "retired", "suspended"],
                                     [88, 5, 3, 4])[0]
                row = {"license_no": license_no, "name": self.person(rng), "gender": str(sex),
                       "id_number": number, "unit_name": unit.name, "unit_uscc": unit.uscc,
                       "department_code": dept, "division_code": unit.division,
                       "post": rng.choice(posts),
                       "nature_code": rng.choices(["01", "02", "03", "05"], [80, 3, 12, 5])[0],
                       "qualifications": ";".join(rng.sample(quals[dept], rng.randint(
                           1, min(2, len(quals[dept]))))),
                       "issuing_authority": "山西省人民政府",
                       "valid_until": format_date(self.run_date + timedelta(
                           days=rng.randint(60, 1800)), "yyyy-MM-dd"),
                       "status": statuses[status],
                       "legal_qualified": "是" if rng.random() < 0.2 else "否",
                       "phone": self.mobile(rng)}
                if w.emit(row) is None and status == "active":
                    self.officers.setdefault((dept, unit.city), []).append(license_no)
                    self.officers.setdefault((dept, "*"), []).append(license_no)
        w.close()
        self.count("enforcement_officers", w)

    def pick_officers(self, rng, dept: str, division: str) -> list[str]:
        pool = self.officers.get((dept, division[:4]), [])
        if len(pool) < 2:
            pool = self.officers[(dept, "*")]
        return rng.sample(pool, 3 if rng.random() < 0.1 and len(pool) > 2 else 2)

    # -- approvals --------------------------------------------------------------------------
    def write_approvals(self) -> None:
        rng = self.rng("approvals")
        total = max(40, int(60 * self.scale))
        self.follow_ups: dict[str, list[tuple[Entity, Item, date]]] = {d: [] for d in DEPARTMENTS}
        renamed = "22" if self.faults.rate > 0 else None
        seq = 0
        for dept, (licence, approval_item, item_main, years) in LICENCES.items():
            item = self.item_by_main.get((dept, item_main)) or self.covered[dept][0]
            pool = self.legal_for(item)
            rel = f"approvals/{self.day}/approvals_{dept}_{self.day}.xlsx"
            rename = {"统一社会信用代码": "社会统一信用代码"} if dept == renamed else None
            if rename:
                self.faults.label(rel, "", "", "header_renamed")
            w = self.writer("xlsx", "approvals", rel, rename=rename)
            for _ in range(max(4, round(total * ACTION_SHARE[dept] / 100))):
                seq += 1
                e = pool.pick(rng)
                granted = self.run_date - timedelta(days=rng.randint(5, 3 * 365))
                until = granted + timedelta(days=365 * years - 1)
                status = "有效" if until >= self.run_date else "过期"
                if e.credit_class == "D" and rng.random() < 0.3:
                    status = "吊销"
                claimed = rng.random() < 0.92
                row = {"licence_no": self.licence_no(rng, dept, e, granted, seq),
                       "licence_name": licence, "approval_item": approval_item,
                       "item_code": item.code, "entity_uscc": e.uscc, "entity_name": e.name,
                       "legal_rep": e.legal_rep, "department_code": dept,
                       "department_name": self.unit_for(dept, e.division).name,
                       "division_code": e.division,
                       "granted_date": format_date(granted, "yyyy-MM-dd"),
                       "valid_until": format_date(until, "yyyy-MM-dd"), "licence_status": status,
                       "claimed_by_department": "是" if claimed else "否",
                       "claimed_date": format_date(granted + timedelta(days=rng.randint(0, 10)),
                                                   "yyyy-MM-dd") if claimed else None,
                       "claiming_department_code": dept if claimed else None}
                fault = w.emit(row, eligible=rename is None)
                if (fault is None and rename is None and claimed and status == "有效"
                        and self.run_date - timedelta(days=170) <= granted
                        <= self.run_date - timedelta(days=10)):
                    self.follow_ups[dept].append((e, item, granted))
            w.close()
            self.count("approvals", w)

    def licence_no(self, rng, dept: str, e: Entity, granted: date, seq: int) -> str:
        d = e.division
        city_abbr = CITY_ABBR.get(d[:4], "晋")
        return {
            "31": lambda: f"JY{rng.choice('123')}{d}{seq:06d}{rng.randint(0, 9)}",
            "72": lambda: f"晋A{rng.choice('ABC')}{d[2:6]}{seq:04d}",
            "16": lambda: f"{e.uscc}{seq:06d}P",
            "25": lambda: f"晋{city_abbr}危化经字〔{granted.year}〕{seq:06d}",
            "17": lambda: f"{d}{granted:%Y%m%d}{seq:06d}",
            "18": lambda: f"晋交运管许可{city_abbr}字{d}{seq:06d}号",
            "20": lambda: f"农药经许（晋）{d}{granted.year}{seq:04d}",
            "23": lambda: f"PDY{seq:08d}{d}A1002",
            "22": lambda: f"{d}{granted.year}{seq:05d}",
        }[dept]()

    # -- credit lists and classes ---------------------------------------------------------------
    def page_size(self, base: int) -> int:
        return int(min(1000, max(base, round(base * self.scale))))

    def dump(self, source: str, dump: str, base: int) -> PagedDumpWriter:
        return PagedDumpWriter(self, source, dump, self.page_size(base))

    def write_credit_lists(self) -> None:
        rng = self.rng("credit")
        mr = {u: self.unit_for("31", u) for u in {e.division for e in self.clean_legal}}
        abnormal = self.dump("credit_abnormal_operations",
                             f"credit_abnormal_operations_{self.ymd}", 5)
        serious = self.dump("credit_serious_violations",
                            f"credit_serious_violations_{self.ymd}", 5)
        redblack = self.dump("credit_red_black_lists", f"credit_red_black_lists_{self.ymd}", 5)
        classes = self.dump("credit_classes", f"credit_classes_{self.ymd}", 50)
        month = (self.run_date.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        reasons = abnormal.contract.field("list_reason").codes
        n = {"abnormal": 0, "serious": 0, "red": 0, "black": 0}
        for e in self.clean_legal:
            unit = mr[e.division]
            if "abnormal" in e.lists:
                n["abnormal"] += 1
                listed = self.run_date - timedelta(days=rng.randint(20, 1500))
                removed = listed + timedelta(days=rng.randint(30, 400))
                out = removed < self.run_date and rng.random() < 0.35
                abnormal.emit({"record_id": f"YC{self.ymd}{n['abnormal']:06d}", "uscc": e.uscc,
                               "entity_name": e.name, "list_status": "2" if out else "1",
                               "list_reason": rng.choice(list(reasons)),
                               "list_date": format_date(listed, "yyyy-MM-dd"),
                               "list_authority": unit.name,
                               "remove_reason": "补报未报年份的年度报告并公示" if out else None,
                               "remove_date": format_date(removed, "yyyy-MM-dd") if out else None,
                               "division_code": e.division})
            if "serious" in e.lists:
                n["serious"] += 1
                listed = self.run_date - timedelta(days=rng.randint(20, 1200))
                serious.emit({"record_id": f"YZ{self.ymd}{n['serious']:06d}", "uscc": e.uscc,
                              "entity_name": e.name, "legal_rep": e.legal_rep,
                              "list_reason": rng.choice((
                                  "因食品安全违法行为受到吊销许可证照的行政处罚",
                                  "被列入经营异常名录届满3年仍未履行相关义务",
                                  "提交虚假材料取得登记", "因不正当竞争行为两年内受到三次以上行政处罚")),
                              "decision_no": f"晋市监严失〔{listed.year}〕{n['serious']:03d}号",
                              "list_date": format_date(listed, "yyyy-MM-dd"),
                              "list_authority": unit.name, "list_status": "1",
                              "remove_date": None, "division_code": e.division})
            for colour in ("red", "black"):
                if colour in e.lists:
                    n[colour] += 1
                    listed = self.run_date - timedelta(days=rng.randint(20, 900))
                    name, issuer, code = rng.choice({
                        "red": (("纳税信用A级纳税人", "国家税务总局山西省税务局", "30"),
                                ("守合同重信用企业", "山西省市场监督管理局", "31")),
                        "black": (("失信被执行人", "山西省高级人民法院", None),
                                  ("重大税收违法失信主体", "国家税务总局山西省税务局", "30"),
                                  ("拖欠农民工工资失信联合惩戒对象", "山西省人力资源和社会保障厅",
                                   "14"))}[colour])
                    redblack.emit({"record_id": f"{'HONG' if colour == 'red' else 'HEI'}"
                                                f"{self.ymd}{n[colour]:06d}",
                                   "list_type": "红名单" if colour == "red" else "黑名单",
                                   "list_name": name, "uscc": e.uscc, "entity_name": e.name,
                                   "issuing_department": issuer, "issuing_department_code": code,
                                   "basis": f"依据{name}认定管理办法认定",
                                   "list_date": format_date(listed, "yyyy-MM-dd"),
                                   "valid_until": format_date(listed + timedelta(days=3 * 365),
                                                              "yyyy-MM-dd"),
                                   "division_code": e.division})
            low, high = CLASS_SCORE[e.credit_class]
            classes.emit({"uscc": e.uscc, "entity_name": e.name, "class_month": month,
                          "credit_class": e.credit_class,
                          "score": round(rng.uniform(low, high), 1),
                          "classified_by": unit.name, "division_code": e.division})
        for w in (abnormal, serious, redblack, classes):
            w.close()
            self.count(w.source, w)

    # -- supervision actions, with their penalty disclosures and national feedback ------------
    def write_actions(self) -> None:
        rng = self.rng("actions")
        n_actions = int(1000 * self.scale)
        self.faults.unknown_action = f"XW31{self.ymd}9999999"
        writers = {d: self.writer("csv", "supervision_actions",
                                  f"supervision_actions/{self.day}/supervision_actions_{d}_"
                                  f"{self.day}.csv") for d in DEPARTMENTS}
        page_faults = {"72": "page_records_mismatch", "16": "invalid_json_page",
                       "25": "missing_page"} if self.faults.rate > 0 else {}
        penalties = {}
        for d in DEPARTMENTS:
            penalties[d] = self.dump("credit_penalties", f"credit_penalties_{d}_{self.ymd}", 5)
            penalties[d].page_fault = page_faults.get(d)
        feedback = self.writer("csv", "national_feedback",
                               f"national_feedback/{self.day}/national_feedback_{self.day}.csv")
        dept_pool = Pool(list(DEPARTMENTS), [ACTION_SHARE[d] for d in DEPARTMENTS])
        type_pool = Pool([t for t, _ in ACTION_TYPES], [w for _, w in ACTION_TYPES])
        type_labels = contract("supervision_actions").field("action_type").codes.values()
        assert all(t in type_labels for t, _ in ACTION_TYPES)
        self.cases: list[dict] = []
        n_cases = max(10, int(5 * self.scale))
        seq = {d: 0 for d in DEPARTMENTS}
        feedback_share = max(0.02, 30 / max(n_actions, 1))  # ~2 %, at least ~30 rows
        for n in range(n_actions):
            dept = dept_pool.pick(rng)
            queue = self.follow_ups[dept]
            if queue and rng.random() < 0.2:  # a claimed licence followed by an inspection
                owner, item, granted = queue.pop()
                obj = owner
                action_date = min(self.run_date, granted + timedelta(days=rng.randint(3, 45)))
                action_type = "行政检查"
            else:
                item = rng.choice(self.covered[dept])
                objects = self.objects.get((dept, item.object_type))
                if item.object_type != "legal_person" and objects:
                    obj = objects.pick(rng)
                    owner = obj.owner
                else:
                    legal = self.legal_for(item)
                    obj = owner = legal.pick(rng) if legal else self.all_legal.pick(rng)
                action_date = self.window_start + timedelta(days=rng.randint(0, WINDOW_DAYS - 1))
                action_type = type_pool.pick(rng)
            result = {"行政处罚": "04", "行政强制": "05"}.get(action_type) or rng.choice(
                INSPECTION_RESULTS)
            submitted = min(self.run_date, action_date + timedelta(days=rng.randint(0, 7)))
            unit = self.unit_for(dept, obj.division)
            action_id = f"XW{dept}{self.ymd}{n:07d}"
            row = {"action_id": action_id, "action_name": f"{item.main}（{action_type}）",
                   "item_code": item.code, "action_type": action_type,
                   "entity_uscc": owner.uscc, "entity_name": owner.name,
                   "division_code": obj.division,
                   "action_date": format_date(action_date, "yyyy-MM-dd"),
                   "result_code": result, "department_code": dept,
                   "department_name": unit.name,
                   "officer_license_nos": ";".join(self.pick_officers(rng, dept, obj.division)),
                   "content": f"对{obj.name or owner.name}开展{item.sub}{RESULT_TEXT[result]}",
                   "contact_name": self.person(rng), "contact_phone": self.mobile(rng),
                   "submitted_date": format_date(submitted, "yyyy-MM-dd")}
            penalty = None
            if action_type == "行政处罚":
                seq[dept] += 1
                penalty = self.penalty_row(rng, dept, seq[dept], unit, item, owner, action_id,
                                           action_date)
            check = rng.choice(NATIONAL_CHECKS) if rng.random() < feedback_share else None
            feedback_day = submitted + timedelta(days=rng.randint(2, 6))
            if writers[dept].emit(row) is not None:
                continue  # a faulty action is referenced by nothing
            if penalty is not None:
                dump = penalties[dept]
                dump.emit(penalty, eligible=dump.page_fault is None)
                if len(self.cases) < n_cases and dump.page_fault is None:
                    self.cases.append({**penalty, "dept": dept})
            if check is not None and feedback_day <= self.run_date:
                category, field, reason, template = check
                feedback.emit({"record_id": action_id,
                               "dataset": DATASET_OF.get(action_type, "行政检查行为"),
                               "batch_no": f"{submitted + timedelta(days=1):%Y%m%d}00001",
                               "check_category": category, "field_name": field,
                               "reason_code": reason,
                               "message": template.format(item=item.code, id=action_id,
                                                          submitted=row["submitted_date"]),
                               "feedback_date": format_date(feedback_day, "yyyy-MM-dd")})
        for w in list(writers.values()) + list(penalties.values()) + [feedback]:
            w.close()
            self.count(w.source, w)

    def penalty_row(self, rng, dept, seq, unit, item, owner, action_id, day) -> dict:
        procedure = "01" if rng.random() < 0.3 else "02"
        kind = rng.choices(["02", "01", "03", "08", "11", "04"], [60, 20, 8, 5, 4, 3])[0]
        fine = None
        if kind == "02":
            fine = float(rng.choice((500, 1000, 2000, 3000))) if procedure == "01" else \
                float(rng.randint(5, 50) * 1000)
        fact = next((f for k, f in ILLEGAL_FACTS.items() if k in item.main), "违反监管规定")
        abbr = CITY_ABBR[unit.city] if unit.city else "晋"
        return {"record_id": f"CF{dept}{self.ymd}{seq:07d}",
                "decision_no": f"{abbr}{DEPT_ABBR[dept]}罚〔{day.year}〕{seq}号",
                "case_procedure": procedure, "case_name": f"{owner.name}{fact}案",
                "party_name": owner.name, "party_cert_type": "001", "party_uscc": owner.uscc,
                "legal_rep": owner.legal_rep, "illegal_fact": f"当事人{fact}。",
                "punish_basis": f"依据{item.law}有关规定",
                "punish_type": kind, "fine": fine,
                "confiscated": float(rng.randint(1, 50) * 100) if kind == "03" else None,
                "decision_date": format_date(day, "yyyy-MM-dd"),
                "public_end_date": format_date(day + timedelta(
                    days=90 if kind in ("01", "08") else 365), "yyyy-MM-dd"),
                "authority": unit.name, "authority_uscc": unit.uscc,
                "division_code": unit.division, "department_code": dept,
                "item_code": item.code, "action_id": action_id, "public_status": "0"}

    # -- complaints -------------------------------------------------------------------------
    def write_hotline(self) -> None:
        rng = self.rng("hotline")
        c = contract("hotline_12345")
        w = self.writer("jsonl", "hotline_12345",
                        f"hotline_12345/{self.day}/hotline_12345_{self.day}.jsonl")
        by_type = {t: [code for code, v in HOTLINE_CATEGORIES.items() if t in v[2]]
                   for t in TYPE_LABEL}
        type_pool = Pool(list(TYPE_LABEL), [30, 10, 35, 15, 7, 3])
        county_pool = Pool([code for code, _ in self.counties])
        assert set(TYPE_LABEL) == set(c.field("appeal_type").codes.values())
        for i in range(max(40, int(60 * self.scale))):
            received = self.dt_in_window(rng, (7, 22))
            appeal = type_pool.pick(rng)
            code = rng.choice(by_type[appeal])
            name, dept, _, title_t, content_t, profiles = HOTLINE_CATEGORIES[code]
            target = None
            if dept and appeal in ("投诉", "举报", "求助"):
                pool = self.profile_pool(profiles) or self.legal_by_dept[dept]
                target = pool.pick(rng) if pool else None
            division = target.division if target else county_pool.pick(rng)
            what = target.name if target else "某单位"
            channel = rng.choices(["电话", "网站", "微信", "移动客户端", "信箱", "短信"],
                                  [60, 12, 15, 8, 3, 2])[0]
            deadline = add_working_days(received.date(), 5 if channel == "电话" else 3)
            handling_dept = dept or ("14" if code == "140101" else None)
            if dept:
                unit_name = self.unit_for(dept, division).name
            elif handling_dept:
                unit_name = self.city_names[division[:4]] + "人力资源和社会保障局"
            else:
                unit_name = "12345政务服务便民热线"
            dispatched = received + timedelta(minutes=rng.randint(5, 180)) if handling_dept \
                else None
            start = dispatched or received
            closed_at = start + timedelta(hours=rng.randint(1, 24 * 8))
            age = (self.run_date - received.date()).days
            closed = closed_at.date() <= self.run_date and rng.random() < (0.97 if age > 10
                                                                          else 0.6)
            if closed:
                status = "待回访" if age < 5 and rng.random() < 0.3 else "已结案"
            else:
                status = rng.choice(["已受理", "已派遣", "处置中"] if handling_dept else
                                    ["已受理"])
            resolved = (rng.random() < 0.8) if closed else None
            mobile = rng.random() < 0.9
            row = {"work_order_id": f"{received:%y%m%d%H%M%S}{i % 1_000_000:06d}",
                   "channel": channel,
                   "received_at": format_date(received, "yyyy-MM-dd HH:mm:ss"),
                   "caller_name": self.person(rng) if rng.random() < 0.75 else None,
                   "caller_phone": self.mobile(rng) if mobile else
                   f"0351-{rng.randint(2000000, 8999999)}",
                   "confidential": "是" if rng.random() < 0.1 else "否",
                   "appeal_type": appeal, "category_code": code, "category_name": name,
                   "title": f"关于{title_t.format(e=what)}的{appeal}",
                   "content": content_t.format(e=what),
                   "address": self.address(rng, division), "division_code": division,
                   "target_uscc": target.uscc if target and rng.random() < 0.7 else None,
                   "target_name": target.name if target else None,
                   "handling_unit": unit_name, "handling_department_code": handling_dept,
                   "dispatched_at": format_date(dispatched, "yyyy-MM-dd HH:mm:ss")
                   if dispatched else None,
                   "deadline": format_date(deadline, "yyyy-MM-dd"),
                   "closed_at": format_date(closed_at, "yyyy-MM-dd HH:mm:ss") if closed else None,
                   "resolved": None if resolved is None else ("已解决" if resolved else "未解决"),
                   "reply": ("经核查，反映问题属实，已责令整改并回复诉求人。" if resolved else
                             "经核查，已向诉求人解释说明。") if closed else None,
                   "satisfaction": rng.choices(["满意", "基本满意", "不满意"], [70, 20, 10])[0]
                   if status == "已结案" else None,
                   "status": status}
            w.emit(row)
        w.close()
        self.count("hotline_12345", w)

    def write_12315(self) -> None:
        rng = self.rng("12315")
        w = self.writer("jsonl", "complaints_12315",
                        f"complaints_12315/{self.day}/complaints_12315_{self.day}.jsonl")
        members = [e for e in self.clean_legal if e.profile in SERVICE_TYPES]
        pool = Pool(members, [CLASS_WEIGHT[e.credit_class] for e in members])
        for i in range(max(30, int(40 * self.scale))):
            received = self.dt_in_window(rng, (0, 23))
            complaint = rng.random() < 0.75
            target = pool.pick(rng)
            code, service = rng.choice(SERVICE_TYPES[target.profile])
            problem = {"pharmacy": "10", "cosmetics": "08", "ecommerce": "08",
                       "realestate": "08", "transport": "08"}.get(target.profile, "09")
            dispute = received.date() - timedelta(days=rng.randint(0, 20))
            unit = self.unit_for("31", target.division)
            accept = add_working_days(received.date(), rng.randint(0, 7))
            if accept > self.run_date:
                accept, status = None, "01"
            else:
                status = rng.choices(["03", "04", "02", "05", "01"], [55, 10, 15, 10, 10])[0]
            closed = None
            if status in ("03", "04"):
                closed = add_working_days(accept, rng.randint(1, 45))
                if closed > self.run_date:
                    closed, status = None, "02"
            mediation = None
            if complaint and closed:
                mediation = rng.choices(["调解成功", "调解不成功", "终止调解"], [65, 25, 10])[0]
            anonymous = not complaint and rng.random() < 0.3
            row = {"reg_no": f"{'TS' if complaint else 'JB'}{target.division}"
                             f"{received:%Y%m%d}{i % 1_000_000:06d}",
                   "reg_type": "投诉" if complaint else "举报",
                   "received_at": format_date(received, "yyyy-MM-dd HH:mm:ss"),
                   "channel": rng.choices(["全国12315平台", "12315热线", "12315 APP",
                                           "12315小程序", "来信来访"], [45, 30, 10, 12, 3])[0],
                   "complainant_name": None if anonymous else self.person(rng),
                   "complainant_phone": None if anonymous else self.mobile(rng),
                   "handling_department_code": "31", "handling_unit": unit.name,
                   "accept_decision_date": format_date(accept, "yyyy-MM-dd") if accept else None,
                   "status": status,
                   "closed_date": format_date(closed, "yyyy-MM-dd") if closed else None,
                   "mediation_result": mediation,
                   "recovered_loss": round(rng.uniform(20, 3000), 2)
                   if mediation == "调解成功" else None}
            if complaint:
                row.update({
                    "complaint_object": target.name,
                    "complaint_object_cert_code": target.uscc if rng.random() < 0.85 else None,
                    "complaint_type": problem, "complaint_territory": target.division,
                    "complaint_service_type": code, "complaint_service_name": service,
                    "shopping_method": rng.choice(("01", "06")) if target.profile == "ecommerce"
                    else "02",
                    "complaint_dispute_date": format_date(dispute, "yyyy-MM-dd"),
                    "complaint_detail": f"消费者称于{dispute:%m月%d日}在{target.name}购买的"
                                        f"{service}存在质量问题，商家拒绝退换。"})
            else:
                row.update({
                    "tip_object": target.name,
                    "tip_enterprise_credit_code": target.uscc if rng.random() < 0.8 else None,
                    "tip_type": problem, "tip_territory": target.division,
                    "tip_service_type": code, "tip_service_name": service,
                    "tip_dispute_date": format_date(dispute, "yyyy-MM-dd"),
                    "tip_detail": f"举报{target.name}销售的{service}涉嫌以次充好、"
                                  f"标签标识不符合规定。"})
            w.emit(row)
        w.close()
        self.count("complaints_12315", w)

    def write_dispatched(self) -> None:
        rng = self.rng("dispatched")
        w = self.writer("jsonl", "national_dispatched_complaints",
                        f"national_dispatched_complaints/{self.day}/"
                        f"national_dispatched_complaints_{self.day}.jsonl")
        depts = Pool(["31", "72", "25", "16"], [5, 2, 2, 1])
        problems = {"31": ("08", "群众反映该单位销售不合格商品并拒绝退换"),
                    "72": ("10", "群众举报该单位无处方销售处方药"),
                    "25": ("11", "群众反映该单位存在重大安全隐患"),
                    "16": ("01", "群众反映该单位夜间偷排废气")}
        for i in range(max(20, int(5 * self.scale))):
            dept = depts.pick(rng)
            item = rng.choice([i for i in self.covered[dept] if i.object_type == "legal_person"]
                              or self.covered[dept])
            target = self.legal_for(item).pick(rng)
            sent = self.dt_in_window(rng, (9, 17))
            deadline = sent.date() + timedelta(days=15)
            status = rng.choices(["fed_back", "finished", "claimed"], [70, 20, 10])[0] \
                if deadline < self.run_date else rng.choice(["dispatched", "claimed"])
            fed = status in ("fed_back", "finished")
            fed_day = min(self.run_date, sent.date() + timedelta(days=rng.randint(3, 15)))
            verified = rng.choices(["属实", "部分属实", "不属实"], [40, 30, 30])[0] if fed else None
            problem, text = problems[dept]
            labels = {"dispatched": "分发", "claimed": "认领", "fed_back": "反馈",
                      "finished": "结束"}
            w.emit({"task_no": f"GJ{sent:%Y%m%d}{i % 1_000_000:06d}",
                    "task_name": f"关于{target.name}有关问题的核查任务",
                    "dispatched_at": format_date(sent, "yyyy-MM-dd HH:mm:ss"),
                    "deadline": format_date(deadline, "yyyy-MM-dd"), "status": labels[status],
                    "initiating_unit": "国家“互联网+监管”系统", "department_code": dept,
                    "division_code": target.division, "item_code": item.code,
                    "object_type": "1", "object_name": target.name, "credentials_type": "001",
                    "credentials_value": target.uscc, "problem_type": problem,
                    "content": f"{text}，请核查处理并按期反馈。",
                    "inspect_content": f"请依据{item.main}检查实施清单开展现场核查。",
                    "feedback_date": format_date(fed_day, "yyyy-MM-dd") if fed else None,
                    "verified": verified,
                    "check_result": ("04" if verified == "属实" else "02" if verified else None)
                    if fed else None,
                    "feedback_result": f"经核查，{verified}，已依法处理。" if fed else None})
        w.close()
        self.count("national_dispatched_complaints", w)

    # -- third parties ----------------------------------------------------------------------
    def write_opinion(self) -> None:
        rng = self.rng("opinion")
        w = self.writer("jsonl", "third_party_opinion",
                        f"third_party_opinion/{self.day}/third_party_opinion_{self.day}.jsonl")
        issues = {"食品安全": "后厨卫生脏乱", "药品安全": "销售假药", "医疗器械": "销售无证器械",
                  "特种设备": "电梯频繁故障", "安全生产": "存在安全隐患", "生态环境": "偷排废水",
                  "非法集资": "承诺高息返利", "医疗广告": "夸大宣传疗效", "营商环境": "办事拖延"}
        for i in range(max(20, int(20 * self.scale))):
            published = self.dt_in_window(rng, (0, 23))
            entity = self.all_legal.pick(rng) if rng.random() < 0.75 else None
            topic = OPINION_TOPICS[PROFILE[entity.profile].risk] if entity else \
                rng.choice(sorted(issues))
            sentiment = rng.choices(["负面", "中性", "正面"], [55, 35, 10])[0]
            who = entity.name if entity else "本地部分商户"
            title = {"负面": f"网友曝光{who}{issues[topic]}", "中性": f"{who}{topic}情况引关注",
                     "正面": f"{who}诚信经营获网友点赞"}[sentiment]
            platform, host = rng.choice(PLATFORMS)
            opinion_id = f"YQ{published:%Y%m%d}{i % 1_000_000:06d}"
            w.emit({"opinion_id": opinion_id, "platform": platform,
                    "published_at": format_date(published, "yyyy-MM-dd HH:mm:ss"),
                    "url": f"https://{host}/p/{opinion_id}", "title": title,
                    "summary": f"{title}。相关内容在{platform}传播，引发讨论。",
                    "sentiment": sentiment, "heat": int(rng.paretovariate(1.5) * 100),
                    "topic": topic, "keywords": [topic, issues[topic]],
                    "entity_uscc": entity.uscc if entity and rng.random() < 0.8 else None,
                    "entity_name": entity.name if entity else None,
                    "division_code": entity.division if entity else None})
        w.close()
        self.count("third_party_opinion", w)

    def write_readings(self) -> None:
        rng = self.rng("readings")
        sites = [e for (d, k), pool in sorted(self.objects.items()) if k == "site"
                 for e in pool.items if e.subtype in INDICATORS]
        sites = sorted({e.entity_id: e for e in sites}.values(), key=lambda e: e.entity_id)
        rel = f"third_party_readings/{self.day}/third_party_readings_{self.day}.jsonl"
        w = self.writer("jsonl", "third_party_readings", rel)
        for i in range(max(40, int(50 * self.scale)) if sites else 0):
            site = rng.choice(sites)
            code, unit, limit, share = rng.choice(INDICATORS[site.subtype])
            day = self.run_date - timedelta(days=rng.randint(0, 6))
            measured = datetime(day.year, day.month, day.day, rng.randint(0, 23))
            value = round(limit * share * rng.lognormvariate(0, 0.45), 3)
            w.emit({"reading_id": f"JC{measured:%Y%m%d}{i % 10_000_000:07d}",
                    "point_code": f"{site.entity_id}-01", "point_name": site.name,
                    "entity_id": site.entity_id, "enterprise_uscc": site.owner.uscc,
                    "enterprise_name": site.owner.name, "indicator_code": code,
                    "value": value, "unit": unit, "limit_value": limit,
                    "over_limit": 1 if value > limit else 0,
                    "measured_at": format_date(measured, "yyyy-MM-dd HH:mm:ss"),
                    "division_code": site.division,
                    "source_system": "煤矿安全监控系统" if code in ("CH4", "CO")
                    else "污染源自动监控系统"})
        w.close()
        self.readings_file = (rel, w.count)
        self.count("third_party_readings", w)

    # -- knowledge ----------------------------------------------------------------------------
    def write_knowledge(self) -> None:
        rng = self.rng("knowledge")
        rows = []

        def codes(dept, hint=None):
            items = [i for i in self.covered.get(dept, []) if hint is None or hint in i.main]
            return ";".join(i.code for i in items[:3]) or None

        for n, (title, issuer, issued, effective, dept, keywords) in enumerate(LAWS, start=1):
            rows.append({"doc_id": f"ZSLAW{n:06d}", "kind": "法律法规", "title": title,
                         "body": f"《{title}》由{issuer}于{issued}公布，自{effective}起施行。"
                                 f"本条目为摘要，全文以官方公布文本为准。",
                         "issued_date": issued, "effective_date": effective, "issuer": issuer,
                         "validity": "现行有效", "department_code": dept,
                         "item_codes": codes(dept) if dept else None, "keywords": keywords})
        for n, dept in enumerate(DEPARTMENTS, start=1):
            name = DEPARTMENTS[dept][0]
            issued = date(2019, 1, 1) + timedelta(days=rng.randint(0, 1600))
            rows.append({"doc_id": f"ZSRULE{n:06d}", "kind": "规则",
                         "title": f"{name}“双随机、一公开”抽查工作细则",
                         "body": "明确随机抽查事项清单、检查对象名录库和执法检查人员名录库的管理，"
                                 "按信用风险分类确定抽查比例和频次。",
                         "issued_date": format_date(issued, "yyyy-MM-dd"),
                         "effective_date": format_date(issued + timedelta(days=30), "yyyy-MM-dd"),
                         "issuer": name, "validity": "现行有效", "department_code": dept,
                         "item_codes": codes(dept), "keywords": "双随机;一单两库;抽查比例"})
        plans = (("31", "食品安全事故应急预案"), ("31", "特种设备事故应急预案"),
                 ("72", "药品安全突发事件应急预案"), ("16", "突发环境事件应急预案"),
                 ("25", "生产安全事故应急预案"), ("25", "危险化学品事故应急预案"))
        for n, (dept, title) in enumerate(plans, start=1):
            issued = date(2018, 1, 1) + timedelta(days=rng.randint(0, 2000))
            rows.append({"doc_id": f"ZSPLAN{n:06d}", "kind": "预案", "title": f"山西省{title}",
                         "body": f"规定{title[:-4]}的分级响应、处置流程、部门职责和信息报送要求。",
                         "issued_date": format_date(issued, "yyyy-MM-dd"), "effective_date": None,
                         "issuer": DEPARTMENTS[dept][0], "validity": "现行有效",
                         "department_code": dept, "item_codes": codes(dept), "keywords": "应急"})
        for n, (title, dept, keywords, hint) in enumerate(RISK_FEATURES, start=1):
            rows.append({"doc_id": f"ZSRISK{n:06d}", "kind": "风险特征", "title": title,
                         "body": f"{title[:-4]}预警模型的识别特征：投诉举报、舆情和监管行为中出现"
                                 f"“{keywords.replace(';', '、')}”等特征词时提高风险分值。",
                         "issued_date": "2023-03-01", "effective_date": "2023-03-01",
                         "issuer": "山西省“互联网+监管”系统", "validity": "现行有效",
                         "department_code": dept, "item_codes": codes(dept, hint),
                         "keywords": keywords})
        for n, p in enumerate(self.cases, start=1):
            rows.append({"doc_id": f"ZSCASE{n:06d}", "kind": "案例", "title": p["case_name"],
                         "body": f"{p['authority']}查明{p['illegal_fact']}{p['punish_basis']}，"
                                 f"作出行政处罚（{p['decision_no']}）。",
                         "issued_date": p["decision_date"], "effective_date": None,
                         "issuer": p["authority"], "validity": "现行有效",
                         "department_code": p["dept"], "item_codes": p["item_code"],
                         "keywords": p["illegal_fact"].strip("。").removeprefix("当事人")})
        w = self.writer("csv", "knowledge", f"knowledge/{self.day}/knowledge_{self.day}.csv")
        for row in rows:
            w.emit(row)
        w.close()
        self.count("knowledge", w)
        if self.faults.rate > 0:  # file level: a supplement exported in GBK, not UTF-8
            rel = f"knowledge/{self.day}/knowledge_cases_supplement_{self.day}.csv"
            s = self.writer("csv", "knowledge", rel, encoding="gbk")
            for n, p in enumerate(self.cases[:3], start=len(self.cases) + 1):
                s.write({"doc_id": f"ZSCASE{n:06d}", "kind": "案例",
                         "title": f"（补充）{p['case_name']}", "body": p["illegal_fact"],
                         "issued_date": p["decision_date"], "issuer": p["authority"],
                         "validity": "现行有效", "department_code": p["dept"]})
            s.close()
            self.count("knowledge", s)
            data = (self.landing / rel).read_bytes()
            try:
                data.decode("utf-8-sig")
            except UnicodeDecodeError:
                self.faults.label(rel, "", "", "wrong_encoding")
            else:
                raise AssertionError(f"{rel} decodes as UTF-8: not a wrong-encoding sample")

    # -- file-level faults and the ground truth ------------------------------------------------
    def write_file_faults(self) -> None:
        if self.faults.rate <= 0:
            return
        # redelivered_file: a department sends the same file again under another name
        rel = f"supervision_actions/{self.day}/supervision_actions_15_{self.day}.csv"
        copy = rel.replace(".csv", "_resend.csv")
        shutil.copyfile(self.landing / rel, self.landing / copy)
        self.faults.label(copy, "", "", "redelivered_file")
        # empty_file: a second export of the opinion platform that came out empty
        empty = f"third_party_opinion/{self.day}/third_party_opinion_{self.day}_part2.jsonl"
        (self.landing / empty).write_bytes(b"")
        self.faults.label(empty, "", "", "empty_file")
        # truncated_file: a CSV cut between two fields, a JSON Lines file cut inside a line
        for rel, writer in self.checklist_files:
            if rel.endswith(f"_20_{self.day}.csv") and writer.count:
                path = self.landing / rel
                data = path.read_bytes().rstrip(b"\r\n")
                start = data.rfind(b"\r\n") + 2
                last = data[start:]
                cut = [i for i, b in enumerate(last) if b == ord(",")][2]
                path.write_bytes(data[:start] + last[:cut])
                self.faults.unlabel(rel, writer.count)
                self.faults.label(rel, writer.count, "_row", "truncated_file")
        rel, lines = self.readings_file
        if lines:
            path = self.landing / rel
            text = path.read_text(encoding="utf-8").rstrip("\n")
            start = text.rfind("\n") + 1
            path.write_text(text[:start] + text[start:start + (len(text) - start) // 2],
                            encoding="utf-8")
            self.faults.unlabel(rel, lines)
            self.faults.label(rel, lines, "_row", "truncated_file")

    def write_ground_truth(self) -> None:
        rows = sorted(self.faults.rows, key=lambda r: (r[0], -1 if r[1] == "" else r[1], r[2]))
        buf = io.StringIO()
        out = csv.writer(buf, lineterminator="\n")
        out.writerow(["file", "row_number", "field", "fault_class"])
        out.writerows(rows)
        (self.out / "ground_truth.csv").write_text(buf.getvalue(), encoding="utf-8")


def generate(out: Path, seed: int = DEFAULT_SEED, run_date: date = DEFAULT_RUN_DATE,
             scale: float = 1.0, fault_rate: float = 0.01) -> Summary:
    """Write one province's deliveries under `out/landing/` and `out/ground_truth.csv`."""
    return Generator(out, seed, run_date, scale, fault_rate).run()


SAMPLES = REPO_ROOT / "data_samples" / "province"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SAMPLES,
                        help="output folder (large scales: data_samples/large/…, ignored by git)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--run-date", type=date.fromisoformat, default=DEFAULT_RUN_DATE)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="1 = the committed samples; supervision actions = 1000 × scale")
    parser.add_argument("--fault-rate", type=float, default=0.01,
                        help="share of rows with a fault (0: a clean province)")
    args = parser.parse_args()
    summary = generate(args.out, args.seed, args.run_date, args.scale, args.fault_rate)
    width = max(map(len, summary.rows))
    for source, rows in summary.rows.items():
        print(f"{source:<{width}}  {rows:>10,d} rows")
    print(f"wrote {summary.files} files, {summary.bytes / 1e6:.1f} MB, {summary.faults} labelled "
          f"faults to {summary.out} in {summary.seconds:.1f} s")
    if summary.unforced:
        print(f"warning: too few rows to inject {summary.unforced}")


if __name__ == "__main__":
    main()
