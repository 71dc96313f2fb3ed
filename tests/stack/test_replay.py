"""`make replay` on the embedded stack: a file whose complaint several citizens sent (one incident, one
alert) finishes, every report counted as with its agency and alerted once, the linked ones through the
incident's lead (before this, such a file waited for alerts that never come until its timeout)."""
from __future__ import annotations

from local.replay import replay

FLOOD = "Banjir di Kec. Tlogowungu Pati, air masuk rumah warga setinggi lutut, mohon bantuan #KemalaJateng"
OTHERS = [
    "Jalan provinsi Rembang-Blora di Kec. Sulang berlubang besar, motor sering jatuh #KemalaJateng",
    "Puskesmas Kec. Ngawen Blora menolak pasien BPJS tanpa alasan, tolong dicek #KemalaJateng",
    "Lampu lalu lintas perempatan Kec. Kunduran Blora mati sejak kemarin #KemalaJateng",
]


def test_a_replay_with_one_complaint_from_three_citizens_finishes_with_one_alert_for_them(stack):
    tweets = [{"id": f"RPL{i}", "text": FLOOD, "author": f"warga_tlogowungu_{i}"} for i in range(3)]
    tweets += [{"id": f"RPL{3 + i}", "text": text, "author": f"warga_blora_{i}"} for i, text in enumerate(OTHERS)]
    summary = replay(stack, tweets, timeout=180)
    assert summary["ok"], summary
    assert (summary["tickets"], summary["with_agency"], summary["executions"]) == (6, 6, 6)
    assert (summary["notifications"], summary["linked_reports"], summary["duplicate_notifications"]) == (4, 2, 0)
    assert summary["latency_p95_s"] is not None
