"""The words of every figure, in English or Chinese (settings ``figures: language``).

Chinese-language journals want Chinese axis titles, legends and notes; English-language ones
English. Every ``textplot_*`` takes ``language="en"`` or ``"zh"`` and gets its fixed words from
:func:`figure_text`, so one catalogue (:data:`FIGURE_TEXTS`) holds both versions of each. Data
(terms, slogans, doc ids, group names) is shown as it is in the tables, in either language.

The Chinese wording follows the conventions of Chinese corpus-linguistics writing (每万字,
对数似然比 G², 逆文档频率, 置信区间); statistics' symbols (G², TF-IDF, logDice, MI) stay as
they are.
"""

from __future__ import annotations

from typing import Literal

from analysis.errors import InputError

FigureLanguage = Literal["en", "zh"]
FIGURE_LANGUAGES: tuple[str, ...] = ("en", "zh")

#: key → (English, Chinese); ``{name}`` fields are filled by :func:`figure_text`.
FIGURE_TEXTS: dict[str, tuple[str, str]] = {
    # shared
    "all_documents": ("All documents", "全部文档"),
    "mentions_per_10k": ("Mentions per 10,000 characters", "每万字提及次数"),
    "token_mentions_per_10k": (
        "Whole-token mentions per 10,000 characters", "每万字整词提及次数"
    ),
    "percent_interval": ("{level} ", "{level}"),
    "clause_separator": ("; ", "；"),
    # slogan rates
    "rates_note_mentions": (
        "all mentions, also inside longer words; lines: {level}bootstrap intervals",
        "计入所有提及（含较长词语中的）；线段：{level}自助法置信区间",
    ),
    "rates_note_tokens": (
        "only mentions that are whole tokens; no intervals",
        "仅计入作为完整词的提及；无置信区间",
    ),
    "own_scales": ("each panel has its own scale", "各分图刻度不同"),
    # co-occurrence
    "unit_sentence": ("Sentences", "句子"),
    "unit_paragraph": ("Paragraphs", "段落"),
    "unit_document": ("Documents", "文档"),
    "unit_window": ("Windows", "窗口"),
    "cooc_count": ("Units with both slogans", "同时含两个口号的单位数"),
    "cooc_jaccard": ("Jaccard (units with both / either)", "Jaccard 系数（两者皆有／任一）"),
    "cooc_diagonal": ("hatched diagonal: units with the slogan", "斜线对角格：含该口号的单位数"),
    # correspondence analysis
    "ca_dimension": ("Dimension {dimension} ({share:.1f}%)", "维度 {dimension}（{share:.1f}%）"),
    "ca_documents": ("documents", "文档"),
    "ca_terms": ("terms (grey)", "词语（灰色）"),
    "ca_no_group": ("no group", "未分组"),
    "ca_other_groups": ("other ({count} groups)", "其他（{count} 组）"),
    "ca_note_documents_selected": (
        "Labelled: {shown} of the {total} documents, those contributing most to the two "
        "dimensions shown and the outermost on each axis.",
        "已标注 {total} 篇文档中的 {shown} 篇：对所示两个维度贡献最大者及各轴两端者。",
    ),
    "ca_note_documents_room": (
        "Labelled: {shown} of the {total} documents (no room for the other labels).",
        "已标注 {total} 篇文档中的 {shown} 篇（其余无处标注）。",
    ),
    "ca_note_terms": (
        "Grey: {shown} of the {total} terms analysed, chosen by their contribution to the two "
        "dimensions.",
        "灰色：所分析的 {total} 个词语中按对两个维度的贡献选出的 {shown} 个。",
    ),
    "ca_note_outside": (
        "Beyond the frame ({count}): drawn at its edge, with an arrow towards where each lies "
        "and its coordinates in brackets.",
        "超出图框者（{count} 个）画在图框边缘，箭头指向其实际位置，括号内为其坐标。",
    ),
    # formulae
    "formulae_chars": ("chars", "字数"),
    "formulae_shown": (
        "{shown} of {total} shared formulae", "共有提法 {total} 条，显示 {shown} 条"
    ),
    "formulae_all": ("{total} shared formulae", "共有提法 {total} 条"),
    "formulae_groups": (
        "lines separate formulae shared by {counts} documents",
        "横线分隔被 {counts} 篇文档共有的提法",
    ),
    # keyness
    "keyness_g2": ("G² (log-likelihood)", "G²（对数似然比）"),
    "keyness_log_ratio": (
        "Log ratio (log2 of the ratio of relative frequencies)", "对数比（相对频率之比的 log2）"
    ),
    "rest_documents": ("rest (all other documents)", "其余（所有其他文档）"),
    "rest_groups": ("rest (all others)", "其余（所有其他）"),
    # collocate network
    "network_slogan": ("slogan", "口号"),
    "network_collocate": ("collocate", "搭配词"),
    "measure_co_occurrences": ("co-occurrences", "共现次数"),
    "measure_delta_p_reverse": ("ΔP (reverse)", "ΔP（反向）"),
    "measure_weight": ("weight", "权重"),
    # similarity
    "similarity_cosine": ("Cosine similarity (TF-IDF)", "余弦相似度（TF-IDF）"),
    "similarity_jaccard": ("Jaccard similarity (vocabulary)", "Jaccard 相似度（词汇）"),
    "cosine_distance": ("Cosine\ndistance", "余弦\n距离"),
    "similarity_order": (
        "{shown} of {total} documents, in the order of the clustering of all",
        "{total} 篇文档中的 {shown} 篇，按全部文档聚类的顺序排列",
    ),
    "similarity_gaps": (
        "white: pairs the similarity table leaves out (below its min_cosine) or undefined",
        "白色：相似度表未列出（余弦相似度低于阈值）或无定义的文档对",
    ),
    # term scatter
    "per_10k_tokens_log": ("{group}: per 10,000 tokens (log scale)", "{group}：每万词（对数刻度）"),
    "favours": ("favours {group} (top by {measure})", "偏向 {group}（按 {measure} 排前）"),
    "other_terms": ("other terms", "其他词语"),
    "log_ratio": ("log ratio", "对数比"),
    # TF-IDF
    "tfidf_weight": ("TF-IDF weight", "TF-IDF 权重"),
    # documents shown when a corpus has too many for one figure (analysis.plots.document_sample)
    "documents_shown": (
        "{shown} of {total} documents, {how}", "{total} 篇文档中的 {shown} 篇，{how}"
    ),
    "spread_groups_years": (
        "spread over {grouping} and the years", "按{grouping}和年份均匀选取"
    ),
    "spread_groups": ("spread over {grouping}", "按{grouping}均匀选取"),
    "spread_years": ("spread over the years", "按年份均匀选取"),
    "spread_doc_ids": ("evenly spaced in doc_id order", "按文档编号均匀选取"),
    # trends
    "time_year": ("Year", "年份"),
    "time_decade": ("Decade", "年代"),
    "time_period": ("Period", "时期"),
    "interval_band": ("shaded", "阴影"),
    "interval_whisker": ("vertical lines", "竖线"),
    "interval_and": (" and ", "和"),
    "interval_note": ("{marks}: {level}intervals{method}", "{marks}：{level}置信区间{method}"),
    "ci_paragraphs": ("bootstrap of paragraphs", "段落自助法"),
    "ci_documents": ("bootstrap of documents", "文档自助法"),
    "groups_dropped": (
        "{shown} of {total} groups shown (most characters); not shown: {dropped}",
        "显示 {total} 组中的 {shown} 组（字数最多者）；未显示：{dropped}",
    ),
    "hollow_few_documents": ("hollow: fewer than {n} documents", "空心：文档少于 {n} 篇"),
    # word clouds
    "over_used": ("Terms over-used relative to the mean", "相对于平均水平使用偏多的词语"),
    # topic models
    "topic_term_weight": ("Weight of the term in the topic", "词语在主题中的权重"),
    "topic_seed_term": ("seed term", "种子词"),
    "topic_other_term": ("other term", "其他词语"),
    "topic_mean_share": ("Mean topic share of the documents", "文档的平均主题占比"),
    "topic_interval_horizontal": ("horizontal lines", "横线"),
    "topic_no_interval": (
        "points without an interval rest on one document",
        "无置信区间的点仅基于一篇文档",
    ),
    "topic_k_number": ("Number of topics", "主题数"),
    "topic_k_umass": ("UMass coherence", "文档共现一致性（对数条件概率）"),
    "topic_k_npmi": ("NPMI coherence", "归一化点互信息一致性"),
    "topic_k_reconstruction_error": ("Relative reconstruction error", "相对重构误差"),
    "topic_k_perplexity": ("Held-out perplexity", "留出困惑度"),
    "topic_k_higher": ("higher is better", "越高越好"),
    "topic_k_lower": ("lower is better", "越低越好"),
    "topic_k_elbow": (
        "falls as topics are added: look for the elbow", "随主题数增加而下降：看拐点"
    ),
    "topic_k_best": ("ringed: the best value", "圆圈：最佳值"),
    # x-ray
    "xray_relative": (
        "Relative position in the document{joiner}(its length in characters)",
        "在文档中的相对位置{joiner}（括号内为文档字数）",
    ),
    "xray_absolute": (
        "Position in the document{joiner}(characters from the start)",
        "在文档中的位置{joiner}（距开头的字数）",
    ),
    # text scaling (Wordscores, Wordfish)
    "scale_theta": ("Position θ (Wordfish)", "位置 θ（泊松标度模型）"),
    "scale_raw_score": ("Wordscores raw score", "词分数法原始得分"),
    "scale_rescaled_lbg": (
        "Wordscores score (LBG rescaled)", "词分数法得分（按参照文本的离散程度重新标度）"
    ),
    "scale_rescaled_mv": (
        "Wordscores score (MV rescaled)", "词分数法得分（以两端参照文本重新标度）"
    ),
    "scale_year": ("Year", "年份"),
    "scale_reference_score": ("score given to the reference text", "参照文本的给定分值"),
    "scale_no_group": ("no group", "未分组"),
    "scale_other_groups": ("other ({count} groups)", "其他（{count} 组）"),
    "scale_ci_hessian": (
        "lines: {level}intervals from the Hessian (word parameters taken as known, so too "
        "narrow)",
        "线段：{level}置信区间（海森矩阵法，视词参数为已知，故偏窄）",
    ),
    "scale_ci_bootstrap": (
        "lines: {level}parametric bootstrap intervals ({count} draws)",
        "线段：{level}参数自助法置信区间（{count} 次抽样）",
    ),
    "scale_ci_normal": (
        "lines: {level}intervals from the spread of the word scores (LBG standard errors)",
        "线段：{level}置信区间（据词分数离散程度计算的标准误）",
    ),
    "scale_no_year": (
        "{count} documents without a year are not shown", "{count} 篇无年份的文档未显示"
    ),
    "wordfish_beta": ("Word weight β", "词权重 β"),
    "wordfish_psi": ("Word fixed effect ψ (frequency)", "词固定效应 ψ（词频）"),
    "wordfish_words_note": (
        "grey: all {count} words of the model; black: {shown} labelled",
        "灰点：模型中的全部 {count} 个词；黑点：已标注的 {shown} 个词",
    ),
    "wordfish_not_estimated": (
        "not in the model (too rare or absent): {terms}",
        "未进入模型（过于罕见或未出现）：{terms}",
    ),
}


def check_language(language: object, caller: str) -> None:
    """An InputError naming ``caller`` unless ``language`` is ``"en"`` or ``"zh"``."""
    if language not in FIGURE_LANGUAGES:
        raise InputError(
            f"{caller}: language must be 'en' (English) or 'zh' (Chinese), got {language!r}"
        )


def figure_text(key: str, language: FigureLanguage = "en", /, **fields: object) -> str:
    """The catalogue's text ``key`` in ``language``, with its ``{fields}`` filled in."""
    check_language(language, "figure_text")
    try:
        english, chinese = FIGURE_TEXTS[key]
    except KeyError:
        raise InputError(
            f"figure_text: no figure text {key!r}; the catalogue is FIGURE_TEXTS"
        ) from None
    return (chinese if language == "zh" else english).format(**fields)


def list_separator(language: FigureLanguage) -> str:
    """What joins names in a list: ``", "`` in English, ``"、"`` in Chinese."""
    return "、" if language == "zh" else ", "
