"""The national 2-digit department codes (监管部门), for check category 02 (数据源标识检查).

A record's department code says which national department's system it is reported under (the
`cd_source` of the national exchange is the province's division code + this code), so a code
outside this list cannot be routed nationally. The list is the State Council sequence as the
national dictionary gives it (docs/national_rules.md, "监管部门"); the dictionary has 58
entries, of which these 43 are known to us. A department whose code is valid nationally but
missing here would be refused with category 02: add it here, with its name.
"""

from __future__ import annotations

NATIONAL_DEPARTMENTS: dict[str, str] = {
    "04": "发展改革委",
    "05": "教育部",
    "06": "科技部",
    "07": "工业和信息化部",
    "09": "公安部",
    "11": "民政部",
    "12": "司法部",
    "13": "财政部",
    "14": "人力资源社会保障部",
    "15": "自然资源部",
    "16": "生态环境部",
    "17": "住房城乡建设部",
    "18": "交通运输部",
    "19": "水利部",
    "20": "农业农村部",
    "21": "商务部",
    "22": "文化和旅游部",
    "23": "卫生健康委",
    "25": "应急部",
    "26": "人民银行",
    "28": "国资委",
    "29": "海关总署",
    "30": "税务总局",
    "31": "市场监管局",
    "32": "广电总局",
    "33": "体育总局",
    "34": "统计局",
    "36": "医保局",
    "46": "网信办",
    "55": "银保监会",
    "56": "证监会",
    "59": "粮食和储备局",
    "60": "能源局",
    "62": "烟草局",
    "64": "林草局",
    "66": "民航局",
    "67": "邮政局",
    "68": "文物局",
    "69": "中医药局",
    "70": "煤矿安监局",
    "72": "药监局",
    "73": "知识产权局",
    "99": "其他业务指导部门",
}
