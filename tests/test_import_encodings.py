"""Legacy encodings are detected on a sample and decoded right: Western text in Latin-1 or
cp1252 is never read as a Baltic, Central European, DOS or Mac code page (charset-normalizer
ranks those first for short Western text), and text in other scripts keeps its encoding."""

from __future__ import annotations

import pytest

from annotator.services.importing import import_paths
from tests.importing import rejected, texts, write

NEWS = {
    "fr": ("Le gouvernement a adopté mercredi le budget de l’année prochaine. « C’est un texte "
           "équilibré », a déclaré la ministre, qui prévoit une croissance de 1,4 %.\nÀ Québec, "
           "les élèves ont reçu leurs résultats ; le garçon a été félicité pour son œuvre.\n"
           "Les prix de l’énergie ont baissé de 5 € en décembre, selon l’Insee.\n"),
    "de": ("Die Bundesregierung hat am Mittwoch den Haushalt für das nächste Jahr beschlossen.\n"
           "Der Finanzminister sagte, die Wirtschaft wachse schneller als erwartet. Über die "
           "Maßnahmen wird im Bundestag abgestimmt; Kritiker äußerten sich skeptisch.\n"),
    "pt": ("O governo aprovou ontem o orçamento para o próximo ano. O ministro das Finanças "
           "disse que a economia vai crescer mais do que o previsto.\nSegundo a imprensa, as "
           "negociações com os sindicatos continuam em São Paulo e em Lisboa.\n"),
    "es": ("El Gobierno aprobó ayer los presupuestos. La ministra de Economía señaló que la "
           "economía crecerá más de lo previsto.\nEn Málaga y en Córdoba, los sindicatos "
           "anunciaron una huelga para el próximo miércoles.\n"),
    "pl": ("Rząd przyjął wczoraj projekt budżetu na przyszły rok. Minister finansów podkreślił, "
           "że gospodarka rośnie szybciej, niż oczekiwano.\nW Łodzi i w Gdańsku związkowcy "
           "zapowiedzieli strajk; posiedzenie odbędzie się w środę.\n"),
    "ru": ("Правительство вчера одобрило проект бюджета на следующий год. Министр финансов "
           "заявил, что экономика растёт быстрее, чем ожидалось.\nВ Москве и Санкт-Петербурге "
           "профсоюзы объявили забастовку.\n"),
    "el": ("Η κυβέρνηση ενέκρινε χθες τον προϋπολογισμό για το επόμενο έτος. Ο υπουργός "
           "Οικονομικών δήλωσε ότι η οικονομία αναπτύσσεται ταχύτερα από το αναμενόμενο.\n"),
    "ja": ("政府は昨日、来年度の予算案を閣議決定した。財務大臣は、経済が予想以上に成長していると"
           "述べた。\n東京と大阪では、労働組合がストライキを予告した。\n"),
}
CASES = [("fr", "cp1252"), ("fr", "latin-1"), ("de", "latin-1"), ("de", "cp1252"),
         ("pt", "latin-1"), ("es", "cp1252"), ("pl", "cp1250"), ("ru", "cp1251"),
         ("ru", "koi8_r"), ("el", "cp1253"), ("ja", "shift_jis")]


@pytest.mark.parametrize(("language", "encoding"), CASES)
def test_legacy_encoded_news_text_is_decoded_exactly(store, tmp_path, language, encoding):
    text = NEWS[language]
    if encoding == "latin-1":
        text = text.replace("’", "'").replace("€", "EUR").replace("œ", "oe")
    write(tmp_path / f"{language}.txt", text.encode(encoding))
    jsonl_line = '{"text": "' + text.replace("\n", "\\n") + '"}\n'
    write(tmp_path / f"{language}.jsonl", ("\n" * 3 + jsonl_line).encode(encoding))
    report = import_paths(store, [tmp_path])
    assert not rejected(report)
    assert texts(store) == [text]  # the JSONL line is the same text: a duplicate
    assert len(report.duplicates) == 1
