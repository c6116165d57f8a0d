"""Overview's invoiced-per-month chart: bar heights on one scale, exact amounts, a text alternative."""

from datetime import date

from billing_center.services.overview import MonthTotal
from billing_center.states.overview import invoiced_chart


def test_bars_share_one_scale_and_carry_exact_amounts():
    months = [MonthTotal(date(2026, 9, 1), {"EUR": 50_000}),
              MonthTotal(date(2026, 10, 1), {}),
              MonthTotal(date(2026, 11, 1), {"EUR": 100_099, "USD": 25_000})]
    chart = invoiced_chart(months, "en")
    assert [s.name for s in chart.series] == ["EUR", "USD"]
    assert chart.series[0].color != chart.series[1].color
    assert [m.label for m in chart.months] == ["Sep 26", "Oct 26", "Nov 26"]
    assert [[b.height for b in m.bars] for m in chart.months] == [["50%", "0%"], ["0%", "0%"], ["100%", "25%"]]
    assert chart.months[2].bars[0].tip == "€1,000.99"
    assert chart.top == "€1,000.99"
    assert chart.summary.startswith("Invoiced per month. September 2026: €500.00, $0.00; October 2026: €0.00")


def test_amounts_follow_the_customer_locale():
    chart = invoiced_chart([MonthTotal(date(2026, 11, 1), {"EUR": 123_456})], "nl")
    assert chart.months[0].bars[0].tip == "EUR 1.234,56"
    assert chart.top == "EUR 1.234,56"


def test_nothing_invoiced_gives_an_empty_chart():
    chart = invoiced_chart([MonthTotal(date(2026, 11, 1), {})], "en")
    assert (chart.series, chart.top) == ([], "")
    assert [m.bars for m in chart.months] == [[]]
