//! Word lists of the genre: the verbs that give a change its direction, the time words that say
//! whether a figure is a result or a target, the filler words that are not part of an indicator.
//! Kept in one place so that the grammar in `facts` reads as grammar.

/// Verbs of a change, with direction (true = up). Longest first where one contains another.
pub const DIRECTION_VERBS: &[(&str, bool)] = &[
    ("增长", true),
    ("增加", true),
    ("提高", true),
    ("提升", true),
    ("上升", true),
    ("上涨", true),
    ("改善", true),
    ("扩大", true),
    ("攀升", true),
    ("增", true),
    ("涨", true),
    ("下降", false),
    ("减少", false),
    ("降低", false),
    ("压减", false),
    ("节约", false),
    ("节省", false),
    ("缩减", false),
    ("缩短", false),
    ("压缩", false),
    ("削减", false),
    ("回落", false),
    ("下滑", false),
    ("减", false),
    ("降", false),
];

/// Nouns that name a change: 增幅超过20%, 降幅3%.
pub const CHANGE_NOUNS: &[(&str, bool)] = &[
    ("增长率", true),
    ("增长幅度", true),
    ("增幅", true),
    ("增速", true),
    ("涨幅", true),
    ("降幅", false),
    ("下降幅度", false),
];

/// Words between a verb and its figure that do not change what the figure means.
pub const BRIDGE_WORDS: &[&str] = &["分别", "均", "了", "平均", "年均", "同比", "累计", "共"];

/// Explicit comparisons: a difference stated against an earlier value.
pub const COMPARISONS: &[&str] = &["同比", "比上年", "较上年", "比去年", "较去年", "比年初", "较年初", "环比"];

/// Leading words of a clause that are not part of the indicator.
pub const LEADING_FILLER: &[&str] = &[
    "其中", "同时", "另外", "此外", "并且", "并", "还", "已经", "已", "将", "要", "全年", "年内", "今年",
    "当年", "去年", "明年", "一年来", "五年来", "过去一年", "过去五年", "上半年", "下半年", "年底前",
    "年底", "年末", "全区", "全市", "全县", "全省", "全国", "全镇", "全州", "全乡", "全旗", "我区", "我市",
    "我县", "我省", "我镇", "目前", "截至目前", "力争", "确保", "争取", "努力", "预计", "计划", "累计",
    "共计", "合计", "总计", "共", "实现", "完成", "达到", "全面", "全力", "进一步", "分两年", "分三年",
    "为", "对", "向", "在", "以及", "及", "和", "与", "、", "，", "；", "：", "是", "把", "使", "让",
    "其",
];

/// Trailing words before a figure that are not part of the indicator.
pub const TRAILING_FILLER: &[&str] = &[
    "分别", "均", "了", "平均", "年均", "同比", "累计", "共", "达到", "达", "为", "是", "到", "至",
    "突破", "超过", "保持在", "稳定在", "控制在", "提高到", "提高至", "增加到", "增加至", "提升到",
    "提升至", "降低到", "降低至", "下降到", "下降至", "减少到", "减少至", "扩大到", "扩大至", "上升到",
    "上升至", "增长到", "增长至", "比上年同期", "比上年", "较上年度", "较上年", "比去年", "较去年",
    "比年初", "较年初", "环比", "实现", "完成", "的", "在", "总量达", "总数", "总计", "合计", "已",
    "约", "近", "逾", "居", "位居", "位列", "列", "排名", "全市", "全省", "全国", "全区", "全县",
    "同类", "第", "以", "在全市", "在全省",
];

/// Places: a list item ending in one of these is a subject (whose figure), not an indicator.
pub const PLACE_SUFFIXES: &[&str] = &["街道", "社区", "开发区", "园区", "新区", "镇", "乡", "区", "县", "市", "省", "村"];

/// Compounds that a 分别 list splits into its parts: 存贷款余额分别为 A、B.
pub const SPLIT_COMPOUNDS: &[(&str, &str, &str)] = &[
    ("存贷款", "存款", "贷款"),
    ("进出口", "进口", "出口"),
    ("城乡", "城市", "农村"),
    ("中小学", "中学", "小学"),
    ("上下半年", "上半年", "下半年"),
];

/// Words of a list item that only qualify the indicator before it: 总量、增幅均居全市第2位.
pub const GENERIC_ITEMS: &[&str] = &["总量", "增幅", "增速", "总额", "规模", "人均", "排名", "位次", "总数"];

/// After a classifier figure, nouns that turn the figure into a category (过5亿元项目, 10亿元级).
pub const CATEGORY_HEADS: &[&str] = &[
    "的", "级", "以上项目", "以上企业", "以上的", "项目", "企业", "大项目", "规模", "工程", "产业", "集群", "以下的",
    "以上工业",
];

/// What follows 条 in the name of a policy package (民营经济35条, 8条意见).
pub const POLICY_NAMES: &[&str] = &["意见", "措施", "政策", "举措", "规定", "办法", "新政", "”", "」"];

/// Time words that make a figure a target of the plan year.
pub const FUTURE_CUES: &[&str] = &["今年", "年内", "明年", "力争", "确保", "争取", "预期", "目标", "计划", "拟", "将要", "努力实现"];

/// Time words that make a figure a result of the review year.
pub const PAST_CUES: &[&str] = &["去年", "过去一年", "过去的一年", "一年来", "过去五年", "过去的五年", "五年来", "上一年", "刚刚过去"];

/// What may follow an amount of money or measure when the amount is a result, not a category:
/// 投资7000万元实施…, 405.4亿元同比增长…. Anything else right after it (60万吨不锈钢管) is a category.
pub const AFTER_AMOUNT: &[&str] = &[
    "同比", "比上年", "较上年", "比去年", "增长", "增加", "下降", "减少", "提高", "实施", "建成", "建设", "用于",
    "完成", "实现", "开工", "投入", "撬动", "带动", "支持", "奖励", "补助", "扶持", "购买", "发放", "帮助",
    "解决", "惠及", "其中", "为", "是", "和", "及", "与", "或", "并", "左右", "以上", "以内", "以下", "上下",
    "占", "居", "位居", "排", "达到", "新建", "改造", "打造", "启动", "用", "改善", "整治", "治理", "修复",
    "取得", "分别", "等", "大关", "台阶", "余", "多", "（", "“", "《", "、", "，", "；", "。", "：", "）", "”",
];

/// Words in a headline clause that make it a catch-all rather than an indicator.
pub const CATCH_ALL: &[&str] = &["各项目标", "目标任务", "大局", "和谐稳定", "经济社会", "各项工作", "各项事业", "社会稳定", "安全稳定"];

/// Units left unwritten after a scale word (贫困人口减少1386万, 财政收入12.5亿), told by the name.
pub const IMPLICIT_UNITS: &[(&str, &str)] = &[
    ("人次", "人次"),
    ("户", "户"),
    ("人口", "人"),
    ("人数", "人"),
    ("就业", "人"),
    ("人才", "人"),
    ("游客", "人次"),
    ("学生", "人"),
    ("劳动力", "人"),
    ("参保", "人"),
    ("人", "人"),
    ("美元", "美元"),
    ("收入", "元"),
    ("总值", "元"),
    ("产值", "元"),
    ("投资", "元"),
    ("资金", "元"),
    ("GDP", "元"),
    ("增加值", "元"),
    ("支出", "元"),
    ("利润", "元"),
    ("税", "元"),
    ("贷款", "元"),
    ("存款", "元"),
    ("余额", "元"),
    ("消费", "元"),
    ("销售", "元"),
    ("经费", "元"),
    ("融资", "元"),
    ("基金", "元"),
    ("额", "元"),
];
