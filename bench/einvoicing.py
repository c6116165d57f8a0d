"""Benchmark of e-invoices (issue 12): ``python -m bench.einvoicing``.

Invoices per second, as documents (the database lookups are left out, they are the same for all):
the printed PDF alone (the peer), the Factur-X PDF the app serves (the PDF with its output intent,
the CII written and checked against the Factur-X XSD, embedded as PDF/A-3), the Peppol UBL alone and
the CII alone; in one and two processes, in alternating rounds (median reported), so that load from
other processes falls on all alike.

Options: ``--invoices N`` (documents per process and round), ``--rounds R``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time

from bench.demo import demo_session, newest_invoice_number
from billing_center.documents import builders, einvoice, pdf
from billing_center.documents.files import invoice_and_einvoice


def newest_flexis_invoice():
    """The newest demo invoice of Flexis (nl, reverse charge) as the app prints it, and its e-invoice."""
    with demo_session() as (session, actor):
        detail, einv = invoice_and_einvoice(session, actor, newest_invoice_number(session, actor))
    return builders.invoice_document(detail), einv


def plain_pdf(doc, einv) -> bytes:
    return pdf.render(doc)


def factur_x_pdf(doc, einv) -> bytes:
    return einvoice.factur_x(pdf.render(doc, pdfa=True), einv, title=f"{doc.title} {doc.number}")


def ubl(doc, einv) -> bytes:
    return einvoice.ubl_xml(einv)


def cii(doc, einv) -> bytes:
    return einvoice.cii_xml(einv)


KINDS = {"plain PDF (peer)": plain_pdf, "Factur-X PDF (app)": factur_x_pdf, "UBL XML": ubl, "CII XML": cii}


def _worker(args) -> float:
    kind, doc, einv, n = args
    make = KINDS[kind]
    make(doc, einv)  # warm: fonts and schemas loaded once per process
    t = time.perf_counter()
    for _ in range(n):
        make(doc, einv)
    return time.perf_counter() - t


def bench(n: int, rounds: int) -> None:
    doc, einv = newest_flexis_invoice()
    sizes = {kind: len(make(doc, einv)) for kind, make in KINDS.items()}
    print(f"\n[einvoice] invoice {doc.number} ({doc.locale}, {len(einv.lines)} line(s)), {n} documents per "
          f"process, median of {rounds} alternating rounds; sizes "
          + ", ".join(f"{k} {v / 1024:.1f} KiB" for k, v in sizes.items()))
    one: dict[str, list[float]] = {kind: [] for kind in KINDS}
    two: dict[str, list[float]] = {kind: [] for kind in KINDS}
    with multiprocessing.get_context("fork").Pool(2) as pool:
        for kind in KINDS:
            pool.map(_worker, [(kind, doc, einv, 2)] * 2)
        for _ in range(rounds):
            for kind in KINDS:
                one[kind].append(n / _worker((kind, doc, einv, n)))
                t = time.perf_counter()
                pool.map(_worker, [(kind, doc, einv, n)] * 2)
                two[kind].append(2 * n / (time.perf_counter() - t))
    for kind in KINDS:
        a, b = statistics.median(one[kind]), statistics.median(two[kind])
        print(f"  {kind:22s} 1 process {a:8.1f}/s   2 processes {b:8.1f}/s   ({b / a:.2f}x)")
    peer = statistics.median(one["plain PDF (peer)"])
    print(f"  Factur-X costs {peer / statistics.median(one['Factur-X PDF (app)']):.1f}x the plain PDF per invoice")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.einvoicing")
    parser.add_argument("--invoices", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"E-invoices ({multiprocessing.cpu_count()} cores)")
    bench(args.invoices, args.rounds)


if __name__ == "__main__":
    main()
