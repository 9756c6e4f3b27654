"""Chinese surnames, the data behind the name detector of `free_text` (no code here).

SINGLE_SURNAMES: the 398 one-character surnames of Faker's `zh_CN` person provider
(`faker.providers.person.zh_CN.Provider.last_names`, Faker 40.54.0, MIT licence), copied in the
provider's order (most frequent first). Faker is a test dependency of this project, so product
code keeps its own copy instead of importing it. Refresh by printing that list again.

COMPOUND_SURNAMES: Faker's one compound surname (欧阳) and the compound surnames of the
classical 百家姓 (Hundred Family Surnames) that are still in use.
"""

from __future__ import annotations

SINGLE_SURNAMES = frozenset(
    "王李张刘陈杨黄吴赵周徐孙马朱胡林郭何高罗郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余"
    "叶蒋杜苏魏程吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段"
    "雷黎史龙陶贺顾毛郝龚邵万钱严赖覃洪武莫孔汤向常温康施文牛樊葛邢安齐易乔伍庞颜倪庄"
    "聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲"
    "翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚"
    "娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑"
    "郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼"
    "蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初"
    "门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕"
    "危玉银亢嵇公哈湛宾戎勾茅利呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)

COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 令狐 慕容 夏侯 长孙 宇文 司徒 司空 端木 轩辕 西门 "  # noqa: SIM905
    "南宫 独孤 申屠 赫连 澹台 公冶 宗政 濮阳 太叔 钟离 闻人 呼延 百里 东郭 拓跋 万俟 第五".split()
)
