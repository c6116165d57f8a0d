"""Benchmark of PDF invoices (R-INV-3): ``python -m bench.pdf_render``.

PDF invoices per second: the real one-page invoice with fpdf2 in one and two processes, beside a
reportlab rendering of the same content and font, and fpdf2 with a built-in font for scale.

Options: ``--pdfs N`` (documents per process and round).
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time
from dataclasses import replace

from bench.demo import demo_session, newest_invoice_number
from billing_center.documents import builders, pdf
from billing_center.services import invoices


def real_invoice_document():
    """The newest demo invoice of Flexis (nl, reverse charge), as the app prints it."""
    with demo_session() as (session, actor):
        detail = invoices.get_invoice(session=session, actor=actor, number=newest_invoice_number(session, actor))
    return builders.invoice_document(detail)


def variants(doc, n: int):
    """``n`` invoices differing in number and amounts, like a month's run."""
    out = []
    for i in range(n):
        amount = f"USD {100 + i % 900},{i % 100:02d}"
        out.append(replace(doc, number=f"INV{200000 + i}",
                           lines=[replace(ln, amount=amount, quantity=str(1 + i % 60)) for ln in doc.lines],
                           totals=[replace(t, value=amount) for t in doc.totals]))
    return out


def _latin1(value: str) -> str:
    return value.replace("–", "-").replace("\u202f", " ").encode("latin-1", "replace").decode("latin-1")


def plain_builtin(doc) -> bytes:
    from fpdf import FPDF

    p = FPDF()
    p.add_page()
    p.set_font("helvetica", "B", 20)
    p.cell(0, 10, "Invoice " + doc.number, new_x="LMARGIN", new_y="NEXT")
    p.set_font("helvetica", "", 9)
    for line in [*doc.seller_lines, *doc.buyer_lines]:
        p.cell(0, 5, _latin1(line), new_x="LMARGIN", new_y="NEXT")
    for label, value in doc.meta:
        p.cell(50, 5, _latin1(label))
        p.cell(0, 5, _latin1(value), new_x="LMARGIN", new_y="NEXT")
    for ln in doc.lines:
        for value, w in zip((ln.product, ln.quantity, ln.unit_price, ln.vat_rate, ln.amount), pdf.COLS, strict=True):
            p.cell(w, 6, _latin1(value))
        p.ln(6)
    for t in doc.totals:
        p.cell(120, 5, _latin1(t.label))
        p.cell(0, 5, _latin1(t.value), new_x="LMARGIN", new_y="NEXT")
    return bytes(p.output())


def _renderer(name: str):
    if name == "fpdf2":
        return pdf.render
    if name == "reportlab":
        from bench.reportlab_render import render

        return render
    return plain_builtin


def _worker(args) -> float:
    name, docs = args
    render = _renderer(name)
    render(docs[0])  # warm: fonts parsed once per process
    t = time.perf_counter()
    for d in docs:
        render(d)
    return time.perf_counter() - t


def rate_one(name: str, docs) -> float:
    return len(docs) / _worker((name, docs))


def bench_pdf(n: int, rounds: int = 5) -> None:
    """Renderers are measured in alternating rounds, so that load from other processes on the
    machine falls on all of them alike; the median round is reported."""
    doc = real_invoice_document()
    docs = variants(doc, n)
    size_fpdf = len(pdf.render(docs[0]))
    from bench.reportlab_render import render as rl_render

    size_rl = len(rl_render(docs[0]))
    print(f"\n[pdf] the real one-page invoice ({doc.number}, {doc.locale}, DejaVu Sans embedded), {n} documents "
          f"per process, median of {rounds} alternating rounds; sizes fpdf2 {size_fpdf / 1024:.0f} KiB, "
          f"reportlab {size_rl / 1024:.0f} KiB")
    names = ("fpdf2", "reportlab", "builtin")
    one: dict[str, list[float]] = {name: [] for name in names}
    two: dict[str, list[float]] = {name: [] for name in names}
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        for name in names:  # start and warm both workers for every renderer
            pool.map(_worker, [(name, docs[:3]), (name, docs[:3])])
        for _ in range(rounds):
            for name in names:
                one[name].append(rate_one(name, docs))
                t = time.perf_counter()
                pool.map(_worker, [(name, docs), (name, docs)])
                two[name].append(2 * len(docs) / (time.perf_counter() - t))
    labels = {"fpdf2": "fpdf2 (app)", "reportlab": "reportlab, same content and font",
              "builtin": "fpdf2, built-in Helvetica (scale)"}
    for name in names:
        a, b = statistics.median(one[name]), statistics.median(two[name])
        print(f"  {labels[name]:36s} 1 process {a:7.1f}/s   2 processes {b:7.1f}/s   ({b / a:.2f}x)")
    ratios = [f / r for f, r in zip(one["fpdf2"], one["reportlab"], strict=True)]
    print("  fpdf2 / reportlab per round, one process: " + ", ".join(f"{r:.2f}x" for r in ratios))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pdf_render")
    parser.add_argument("--pdfs", type=int, default=150)
    args = parser.parse_args()
    print(f"PDF rendering ({multiprocessing.cpu_count()} cores)")
    bench_pdf(args.pdfs)


if __name__ == "__main__":
    main()
