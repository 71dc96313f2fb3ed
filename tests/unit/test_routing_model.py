"""The exported routing model: pure-Python inference reproduces scikit-learn's, stays fast on
long texts, and the command line refuses texts over its limit without stopping."""
import io
import json

import pytest

from chalicelib.cli import MAX_TEXT_CHARS, classify_stream
from chalicelib.domain.learning import LinearModel, Vectorizer
from chalicelib.domain.routing import (Router, classify, default_router, featurize, lexicon_as_data, lexicon_from_data,
                                      load_lexicon)
from chalicelib.domain.text import char_ngrams
from chalicelib.services.evaluation import coverage_table, expected_calibration_error

TEXTS = [
    "Jalan provinsi berlubang besar di tikungan, motor sering jatuh #KemalaJateng",
    "Listrik padam dari semalam di kampung kami, belum ada petugas datang",
    "Banyune PDAM mati telung dina, aku kudu ngangsu nang tanggane",
    "Dengan hormat, kami warga RT 03 menyampaikan keluhan tentang juru parkir liar yang meminta tarif "
    "di atas ketentuan di depan pasar, mohon ditertibkan. " * 5,
    "jlan rsak prah bgt min",
]


def test_character_ngrams_are_those_of_scikit_learn():
    text = pytest.importorskip("sklearn.feature_extraction.text")
    analyzer = text.TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False).build_analyzer()
    for words in (["a", "ab", "abcd", "jalanan", "rusak"], [], ["x"]):
        assert char_ngrams(words, 2, 5) == analyzer(" ".join(words))


@pytest.mark.parametrize("cue_weight", [0.0, 0.35])  # without and with the lexicon-cue block
def test_python_inference_reproduces_scikit_learns_decision_function(cue_weight):
    pytest.importorskip("sklearn")
    from chalicelib.services import training

    lexicon = load_lexicon()
    rows = [{"text": t, "agency": a, "urgency": u} for t, a, u in [
        ("jalan rusak berlubang", "DPUBMCK", "HIGH"), ("jalan amblas motor jatuh", "DPUBMCK", "EMERGENCY"),
        ("listrik padam semalam", "PLN", "NORMAL"), ("tiang listrik roboh", "PLN", "EMERGENCY"),
        ("air pdam mati tiga hari", "PDAM", "HIGH"), ("pipa pdam bocor", "PDAM", "NORMAL")]]
    examples = training.examples_from(rows, [], lexicon)
    settings = training.Settings(c=5.0, char_weight=0.8, max_char_features=500, min_df=1, cue_weight=cue_weight)
    features = training.Features(settings, examples)
    x = features.matrix(examples)
    model = training._fit_agency(settings, x, examples)
    vectorizer = Vectorizer.from_dict(features.export().to_dict())
    exported = LinearModel.from_dict(
        LinearModel(list(model.classes_), model.intercept_.tolist(), model.coef_.tolist()).to_dict())
    router = Router(lexicon, vectorizer, exported, exported, settings.char_ngrams, 1.0, {})
    documents = [featurize(t, lexicon) for t in TEXTS]
    expected = model.decision_function(features.matrix(
        [training.Example(d, "PLN", None, 1.0, "tweet") for d in documents]))
    for document, want in zip(documents, expected):
        assert exported.scores(router.vectorize(document)) == pytest.approx(want.tolist(), abs=1e-4)


def test_shipped_model_scores_a_5000_character_complaint():
    """Its speed is measured by bench/routing.py (no timed assertion on a shared machine)."""
    default_router()
    result = classify((TEXTS[3] * 20)[:MAX_TEXT_CHARS])
    assert result.agency in ("DISHUB", "SATPOLPP") and 0 < result.confidence <= 1


def test_command_line_reports_an_overlong_text_and_goes_on():
    lines = [json.dumps({"id": "a", "text": "x" * (MAX_TEXT_CHARS + 1)}), json.dumps({"id": "b", "text": TEXTS[1]})]
    out, err = io.StringIO(), io.StringIO()
    assert classify_stream(lines, out, err) == 1
    first, second = [json.loads(line) for line in out.getvalue().splitlines()]
    assert first["id"] == "a" and "longer than 5000" in first["error"]
    assert second["agency"] == "PLN"
    assert "line 1" in err.getvalue()


def test_calibration_error_and_coverage():
    confidences, correct = [0.95, 0.95, 0.55, 0.55], [True, True, True, False]
    assert expected_calibration_error(confidences, correct) == pytest.approx(0.5 * 0.05 + 0.5 * 0.05)
    row = next(r for r in coverage_table(confidences, correct) if r["threshold"] == 0.9)
    assert row == {"threshold": 0.9, "coverage": 0.5, "accuracy": 1.0}


def test_cross_validation_leaves_one_writer_out_at_a_time():
    pytest.importorskip("sklearn")
    from chalicelib.services import training

    lexicon = load_lexicon()
    rows = [{"text": f"jalan rusak {k}", "agency": "DPUBMCK", "group": f"writer{k % 3}"} for k in range(9)]
    examples = training.examples_from(rows, [], lexicon)
    scored = list(range(len(rows)))
    folds = training.split(examples, scored)
    assert len(folds) == 3
    for train_part, test_part in folds:
        left_out = {examples[i].group for i in test_part}
        assert len(left_out) == 1 and not left_out & {examples[i].group for i in train_part}


def test_the_lexicon_the_package_ships_as_built_reads_back_as_the_same_lexicon():
    lexicon = load_lexicon()
    assert lexicon_from_data(json.loads(json.dumps(lexicon_as_data(lexicon)))) == lexicon
    assert {"jalan berlubang", "jalan lubang"} <= lexicon.agency_phrases.keys()  # as written, and stemmed
