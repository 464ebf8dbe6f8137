"""The lexical tactic tagger: scikit-learn parity, safe persistence, the blend in the scorer, its training."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from grooming_detect import Message, RiskScorer, Transcript
from grooming_detect.lexical import TAGGER_FILES, LexicalTagger, char_ngrams, message_ngrams
from grooming_detect.normalize import normalize_all
from grooming_detect.tactics import TACTICS
from grooming_detect_evaluation.chats import load_chats, to_record
from grooming_detect_training.config import DataConfig, load_config
from grooming_detect_training.data import build_examples
from grooming_detect_training.tactic_tagger import BLEND_WEIGHTS, choose_blend, fit_tagger, message_tactics

WRITTEN = Path(__file__).resolve().parent.parent / "training" / "corpus" / "written"


@pytest.fixture(scope="module")
def examples() -> list:
    """Real written chats (the first 240), as training examples with every tactic known."""
    chats = load_chats(WRITTEN)[:240]
    splits = {"train": [to_record(c, "written") for c in chats]}
    return build_examples(splits, DataConfig(counterfactual=0.0), 0)["train"]


@pytest.fixture(scope="module")
def tagger(examples: list) -> LexicalTagger:
    return fit_tagger(examples[:200])


@pytest.mark.parametrize(
    "text", ["อย่าบอกแม่นะ", "a  b\tcd  EFG", "ส่งรูป มา ให้พี่ ดู", "x", "เติมเพชรให้ 555", "  spaced  out "]
)
def test_ngrams_are_scikit_learns_char_wb(text: str) -> None:
    sklearn_ngrams = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).build_analyzer()
    assert char_ngrams(text, 2, 4) == sklearn_ngrams(text)


def test_probabilities_match_scikit_learn_after_a_save_and_load(
    tagger: LexicalTagger, examples: list, tmp_path: Path
) -> None:
    train_texts, y, _ = message_tactics(examples[:200])
    vectorizer = TfidfVectorizer(analyzer=partial(message_ngrams, low=2, high=4), sublinear_tf=True, min_df=2)
    x = vectorizer.fit_transform(train_texts)
    held_out, _, _ = message_tactics(examples[200:])
    k = TACTICS.index("secrecy")
    lr = LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000, random_state=0).fit(x, y[:, k])
    expected = lr.predict_proba(vectorizer.transform(held_out))[:, 1]
    assert np.allclose(tagger.probs(normalize_all(held_out))[:, k], expected, atol=1e-6)

    tagger.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(TAGGER_FILES)
    loaded = LexicalTagger.load(tmp_path)
    assert loaded is not None and loaded.tactics == TACTICS
    assert np.allclose(loaded.probs(held_out), tagger.probs(held_out), atol=1e-4)  # float32 on disk
    assert LexicalTagger.load(tmp_path / "nowhere") is None


def test_it_reads_what_a_message_does(tagger: LexicalTagger) -> None:
    secret, plain = tagger.probs(["อย่าบอกใครนะ เป็นความลับของเรา", "กินข้าวยังจ๊ะ"])
    k = TACTICS.index("secrecy")
    assert secret[k] > 0.5 > plain[k]
    empty = tagger.probs(["", "🙂"])  # no known n-gram: the intercepts alone
    assert np.allclose(empty[0], empty[1]) and np.all((empty > 0) & (empty < 1))


def test_character_weights_add_up_to_the_likeliest_tactics_logit(tagger: LexicalTagger) -> None:
    """Spans' fast candidates: each character's share of the likeliest tactic's logit, placed on the words
    that carry it (here the secrecy phrase, not the greeting before it)."""
    text = "สวัสดีจ้า  อย่าบอกใครนะ เป็นความลับของเรา"
    weights = tagger.char_weights(text)
    assert weights is not None and weights.shape == (len(text),)
    probs = tagger.probs([text])[0]
    best = int(np.argmax(probs))
    assert TACTICS[best] == "secrecy"
    logit = float(np.log(probs[best] / (1 - probs[best])))
    assert float(weights.sum()) + float(tagger.intercept[best]) == pytest.approx(logit, abs=1e-6)
    assert weights[:10].sum() < weights[text.index("อย่าบอก") :].sum()
    assert weights[9:11].tolist() == [0.0, 0.0]  # whitespace carries nothing
    assert tagger.char_weights("กินข้าวยังจ๊ะ") is None  # no tactic reaches one half
    assert tagger.char_weights("") is None and tagger.char_weights("🙂") is None


def test_bad_arrays_and_weights_are_refused(tagger: LexicalTagger) -> None:
    with pytest.raises(ValueError, match="do not match"):
        LexicalTagger(TACTICS, tagger.vocabulary, tagger.idf[:-1], tagger.coef, tagger.intercept)
    with pytest.raises(ValueError, match="weight"):
        LexicalTagger(TACTICS, tagger.vocabulary, tagger.idf, tagger.coef, tagger.intercept, weight=1.5)


def test_the_blend_is_chosen_on_the_selection_split(tagger: LexicalTagger, examples: list) -> None:
    selection = examples[200:]
    _, y, _ = message_tactics(selection)
    uninformative = np.full(y.shape, 0.5)  # a head that knows nothing: the tagger must win the blend
    weight, cuts, tried = choose_blend(tagger, uninformative, selection)
    assert set(tried) == set(BLEND_WEIGHTS) and weight > 0
    assert tried[weight] == max(tried.values()) > tried[0.0]
    assert set(cuts) == set(TACTICS)
    perfect = y.astype(float)  # a head that is always right keeps the blend at 0 (ties go to the head)
    assert choose_blend(tagger, perfect, selection)[0] == 0.0


def test_the_scorer_reports_the_blended_tactics(tiny_model_dir: Path, tagger: LexicalTagger) -> None:
    chat = Transcript(
        id="c1",
        messages=[
            Message(sender="a", text="น้องอายุเท่าไหร่แล้ว"),
            Message(sender="b", text="14 ค่ะ"),
            Message(sender="a", text="อย่าบอกใครนะ เป็นความลับ"),
        ],
    )
    scorer = RiskScorer.from_pretrained(tiny_model_dir)
    before = scorer.score(chat, return_spans=False)
    scorer.model.tactic_thresholds = dict.fromkeys(TACTICS, 0.5)
    for weight in (1.0, 0.5):
        scorer.model.tagger = replace(tagger, weight=weight)
        normalized = normalize_all(m.text for m in chat.messages)
        lexical = tagger.probs(normalized)
        vectors = scorer.encode([m.text for m in chat.messages])
        blended = scorer.model.tactic_probs(vectors, normalized)
        result = scorer.score(chat, return_spans=False)
        for i, message in enumerate(result.messages):
            assert set(message.tactics) == {t for k, t in enumerate(TACTICS) if blended[i, k] >= 0.5}
        if weight == 1.0:
            assert np.allclose(blended, lexical)
            assert "secrecy" in result.messages[2].tactics
        # the risk scores never move: the head reads its own tactic layer
        assert [m.category_scores for m in result.messages] == [m.category_scores for m in before.messages]


def test_the_config_checks_the_tagger_settings() -> None:
    assert load_config(overrides={"head.lexical_ngrams": [1, 3]}).head.lexical_ngrams == (1, 3)
    with pytest.raises(ValueError, match="lexical_ngrams"):
        load_config(overrides={"head.lexical_ngrams": [4, 2]})
    with pytest.raises(ValueError, match="lexical_ngrams: expected a list of 2"):
        load_config(overrides={"head.lexical_ngrams": [2]})
