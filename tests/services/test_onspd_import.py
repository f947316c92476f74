"""`flask geography import-postcodes` reads the real ONS Postcode Directory layout (pcds + osward among ~50
other columns, no ward names): names come from wards already defined or an ONS ward names file; terminated
postcodes and other authorities' rows are skipped; the file is streamed, so memory does not grow with it."""

import contextvars
import csv
import io
import time
import tracemalloc

from app.models import AuditEntry, Postcode, Ward
from app.services.geography import ImportRefused, import_postcodes
from tests.factories import make_area, make_council, make_ward

# The ONSPD header, in its order (the product reads pcds, doterm, oslaua and osward by name).
ONSPD_COLUMNS = ("pcd pcd2 pcds dointr doterm oscty ced oslaua osward parish usertype oseast1m osnrth1m osgrdind "
                 "oshlthau nhser ctry rgn streg pcon eer teclec ttwa pct itl statsward oa01 casward park lsoa01 "
                 "msoa01 ur01ind oac01 oa11 lsoa11 msoa11 wz11 sicbl bua24 ru11ind oac11 lat long lep1 lep2 pfa "
                 "imd calncv icb oa21 lsoa21 msoa21 ruc21ind").split()
OURS, NEIGHBOUR = "E07000243", "E07000099"
TEMPLATE = ",".join("{" + c + "}" if c in ("pcd", "pcd2", "pcds", "doterm", "oslaua", "osward") else
                    {"dointr": "198001", "ctry": "E92000001", "rgn": "E12000006", "lat": "51.9", "long": "-0.2",
                     "usertype": "0", "osgrdind": "1"}.get(c, "") for c in ONSPD_COLUMNS)


def _postcode(n):
    """The n-th of a run of distinct, valid postcodes: FL1 0AA, FL1 0AB, ... (6,760 per outward code)."""
    outward, inward = divmod(n, 6760)
    digit, letters = divmod(inward, 676)
    return f"FL{outward + 1} {digit}{chr(65 + letters // 26)}{chr(65 + letters % 26)}"


def write_onspd(path, rows, our_wards=4, their_wards=4):
    """rows postcodes: every 3rd in our authority (our_wards wards), the rest in a neighbour's; every 10th
    terminated. Returns what an import limited to our authority should add, per ward code."""
    expected = {}
    with open(path, "w", newline="") as handle:
        handle.write(",".join(ONSPD_COLUMNS) + "\n")
        lines = []
        for n in range(rows):
            pcds = _postcode(n)
            ours = n % 3 == 0
            ward = f"E0500{9000 + n // 3 % our_wards:04d}" if ours else f"E0509{9000 + n % their_wards:04d}"
            terminated = n % 10 == 9
            if ours and not terminated:
                expected[ward] = expected.get(ward, 0) + 1
            lines.append(TEMPLATE.format(pcd=pcds.replace(" ", "").ljust(7), pcd2=pcds, pcds=pcds,
                                         doterm="202312" if terminated else "", oslaua=OURS if ours else NEIGHBOUR,
                                         osward=ward))
            if len(lines) == 10_000:
                handle.write("\n".join(lines) + "\n")
                lines.clear()
        if lines:
            handle.write("\n".join(lines) + "\n")
    return expected


def write_ward_names(path, year="24", codes=()):
    with open(path, "w", newline="") as handle:
        handle.write(f"WD{year}CD,WD{year}NM,LAD{year}CD\n")
        for code in codes:
            handle.write(f"{code},Ward {code[-4:]},{OURS}\n")


def run(app, db, args):
    db.session.commit()
    result = contextvars.Context().run(app.test_cli_runner().invoke, args=args)
    db.session.expire_all()
    return result


def _rows(text):
    return csv.reader(io.StringIO(text))


def test_onspd_rows_take_names_from_wards_already_defined_and_skip_the_rest(db):
    council = make_council()
    chells = make_ward(name="Chells", code="E05009000", area=make_area(council=council))
    header = ",".join(ONSPD_COLUMNS)
    text = "\n".join([header,
                      TEMPLATE.format(pcd="FL1 1AA", pcd2="FL1 1AA", pcds="FL1 1AA", doterm="", oslaua=OURS,
                                      osward="E05009000"),
                      TEMPLATE.format(pcd="FL1 1AB", pcd2="FL1 1AB", pcds="FL1 1AB", doterm="201805", oslaua=OURS,
                                      osward="E05009000"),
                      TEMPLATE.format(pcd="ZZ1 1AA", pcd2="ZZ1 1AA", pcds="ZZ1 1AA", doterm="", oslaua=NEIGHBOUR,
                                      osward="E05099999")]) + "\n"

    counts = import_postcodes(db.session, council, _rows(text))

    assert db.session.get(Postcode, "FL1 1AA").ward_id == chells.id
    assert db.session.get(Postcode, "FL1 1AB") is None and db.session.get(Postcode, "ZZ1 1AA") is None
    assert counts["postcodes_added"] == 1 and counts["wards_created"] == 0
    assert counts["skipped_terminated"] == 1 and counts["skipped_unknown_ward"] == 1
    assert [w.name for w in db.session.query(Ward)] == ["Chells"]


def test_a_postcode_given_two_wards_far_apart_refuses_the_whole_file(db):
    council = make_council()
    make_ward(code="E05009000", area=make_area(council=council))
    make_ward(code="E05009001", area=make_area(council=council))
    lines = [",".join(ONSPD_COLUMNS)] + [
        TEMPLATE.format(pcd="", pcd2="", pcds=_postcode(n), doterm="", oslaua=OURS, osward="E05009000")
        for n in range(30)] + [TEMPLATE.format(pcd="", pcd2="", pcds=_postcode(3), doterm="", oslaua=OURS,
                                               osward="E05009001")]

    try:
        import_postcodes(db.session, council, _rows("\n".join(lines)), batch_size=7)
    except ImportRefused as refused:
        assert [(e.line, e.message, e.value) for e in refused.errors] == [(32, "duplicate_postcode", "FL1 0AD")]
    else:
        raise AssertionError("a postcode in two wards was imported")
    db.session.rollback()
    assert db.session.query(Postcode).count() == 0


def test_a_second_import_moves_postcodes_whose_ward_changed(db):
    council = make_council()
    old, new = (make_ward(code=code, area=make_area(council=council)) for code in ("E05009000", "E05009001"))
    db.session.add(Postcode(postcode="FL1 0AA", ward_id=old.id))
    text = "postcode,ward_code\nFL1 0AA,E05009001\nFL1 0AB,E05009001\n"

    counts = import_postcodes(db.session, council, _rows(text))

    assert (counts["postcodes_added"], counts["postcodes_moved"]) == (1, 1)
    assert db.session.get(Postcode, "FL1 0AA").ward_id == new.id


def test_cli_names_wards_from_an_ons_ward_names_file_of_any_year(app, db, tmp_path):
    make_council()
    expected = write_onspd(tmp_path / "onspd.csv", 300, our_wards=3)
    write_ward_names(tmp_path / "wards.csv", year="23", codes=[f"E0500{9000 + n}" for n in range(3)])

    result = run(app, db, ["geography", "import-postcodes", str(tmp_path / "onspd.csv"),
                           "--ward-names", str(tmp_path / "wards.csv"), "--local-authority", OURS])

    assert result.exit_code == 0, result.output
    assert "Read 3 ward names" in result.output and "Skipped 30 postcodes terminated" in result.output
    assert "Skipped 180 postcodes in another local authority" in result.output
    wards = {w.code: (w.name, len([p for p in db.session.query(Postcode).filter_by(ward_id=w.id)]))
             for w in db.session.query(Ward)}
    assert wards == {code: (f"Ward {code[-4:]}", count) for code, count in expected.items()}
    assert db.session.query(AuditEntry).filter_by(action="geography.import").one().details["wards_created"] == 3


def test_a_ward_names_file_without_its_columns_is_refused(app, db, tmp_path):
    make_council()
    write_onspd(tmp_path / "onspd.csv", 10)
    (tmp_path / "wards.csv").write_text("code,name\nE05009000,Chells\n")

    result = run(app, db, ["geography", "import-postcodes", str(tmp_path / "onspd.csv"),
                           "--ward-names", str(tmp_path / "wards.csv")])

    assert result.exit_code == 1 and "WDyyCD and WDyyNM" in result.output
    assert db.session.query(Postcode).count() == 0


def _import_measured(app, db, tmp_path, rows):
    path = tmp_path / f"onspd-{rows}.csv"
    expected = write_onspd(path, rows)
    write_ward_names(tmp_path / "wards.csv", codes=sorted(expected))
    tracemalloc.start()
    started = time.perf_counter()
    result = run(app, db, ["geography", "import-postcodes", str(path), "--ward-names", str(tmp_path / "wards.csv"),
                           "--local-authority", OURS])
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.exit_code == 0, result.output
    return result, expected, peak, seconds


def test_several_hundred_thousand_onspd_rows_stream_in_bounded_memory_with_progress(app, db, tmp_path):
    """300,000 rows (~60 MB of CSV) in the real column layout: memory is that of a 60,000-row file."""
    make_council()
    _, _, small_peak, _ = _import_measured(app, db, tmp_path, 60_000)
    db.session.query(Postcode).delete()
    db.session.commit()

    result, expected, peak, seconds = _import_measured(app, db, tmp_path, 300_000)

    assert "Checking 300,000 rows" in result.output
    assert "read 150,000 of 300,000 rows (50%)" in result.output and "(100%)" in result.output
    assert f"Imported {sum(expected.values()):,} postcodes" in result.output
    assert db.session.query(Postcode).count() == sum(expected.values()) == 90_000
    assert peak < 1.5 * small_peak and peak < 20 * 2**20, (peak, small_peak)
    print(f"300k ONSPD rows: {seconds:.1f} s, peak traced memory {peak / 2**20:.1f} MiB "
          f"(60k rows: {small_peak / 2**20:.1f} MiB)")
