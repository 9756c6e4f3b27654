"""Names and telephone numbers of people (surnames and given names by frequency of use)."""

import random

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江"
    "史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉萍红鹏辉建国志斌宇浩凯秀兰晶"
    "婷雪琳慧颖欣怡子轩梓涵一诺晨阳佳俊博文瑞峰立新海燕春梅冬云飞"
)


def person(rng: random.Random) -> str:
    """A Chinese name: one surname and one or two given characters."""
    given = rng.choice((1, 2, 2))
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(given))


def mobile(rng: random.Random) -> str:
    """An 11-digit mainland mobile number."""
    return "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9))
