"""Incidents with fakes: similar reports at the same place for the same agency link to one incident; never
across agencies or regions, nor outside the window; one alert; the agency answers once and every report
is answered; an agency can unlink a report."""
from datetime import timedelta

from chalicelib.domain.tickets import Classification, Status, Ticket
from tests.fakes import Fakes

FLOOD = Classification("BPBD", "3374", "HIGH", 0.95, [])


class Reports(Fakes):
    """Fakes whose classifier answers what the next report is given."""

    def __init__(self) -> None:
        self.next_classification = FLOOD
        super().__init__(classify=lambda text: self.next_classification)


def report(app: Reports, ticket_id: str, text: str, at=None, classification: Classification = FLOOD,
           kecamatan: str | None = None) -> Ticket:
    app.tickets.add(Ticket(ticket_id, "sms", ticket_id, text, at or app.now, author=f"+62812{len(app.tickets.rows):08d}",
                           kecamatan=kecamatan))
    app.next_classification = classification
    app.kemala.steps.route_and_notify(ticket_id)
    return app.tickets.get(ticket_id)


def test_similar_reports_at_one_place_become_one_incident_with_one_alert():
    app = Reports()
    first = report(app, "S1", "Banjir setinggi lutut di Genuk, rumah warga terendam air")
    second = report(app, "S2", "Air banjir masuk rumah di Genuk, terendam sejak pagi")
    assert first.incident == second.incident == "INCS1"
    assert app.notifier.kinds("S1").count("new_ticket") == 1 and app.notifier.kinds("S2") == []
    assert second.status is Status.NOTIFIED and "ticket" in second.deliveries  # the reporter still gets a number


def test_never_merged_across_agencies_regions_kecamatan_time_or_topic():
    app = Reports()
    report(app, "S1", "Banjir setinggi lutut di Genuk, rumah warga terendam air", kecamatan="Genuk")
    other_region = report(app, "S2", "Banjir setinggi lutut, rumah warga terendam air",
                          classification=Classification("BPBD", "3321", "HIGH", 0.95, []))
    other_agency = report(app, "S3", "Banjir setinggi lutut, rumah warga terendam air",
                          classification=Classification("DPUBMCK", "3374", "HIGH", 0.95, []))
    other_kecamatan = report(app, "S4", "Banjir setinggi lutut rumah warga terendam air", kecamatan="Tembalang")
    later = report(app, "S5", "Banjir setinggi lutut, rumah warga terendam air", at=app.now + timedelta(hours=30))
    other_topic = report(app, "S6", "Pohon tumbang menutup jalan raya dekat pasar")
    unknown_place = report(app, "S7", "Banjir setinggi lutut rumah warga terendam air",
                           classification=Classification("BPBD", None, "HIGH", 0.95, []))
    assert [t.incident for t in (other_region, other_agency, other_kecamatan, later, other_topic, unknown_place)] == [
        "INCS2", "INCS3", "INCS4", "INCS5", "INCS6", None]


def test_the_agency_answers_once_and_every_report_is_answered():
    app = Reports()
    for i in range(1, 6):
        report(app, f"S{i}", f"Banjir di Genuk, rumah terendam air setinggi lutut (laporan {i})")
    app.kemala.agencies.answer("S3", "BPBD", "Pompa dan perahu karet dikirim ke Genuk.")
    assert app.tickets.get("S1").status is Status.NOTIFIED  # spread asynchronously, not in the agency's request
    app.run_tasks()
    app.tasks.queued.append(("act_on_incident", {"ticket_id": "S3", "action": "answer", "agency": "BPBD",
                                                 "text": "Pompa dan perahu karet dikirim ke Genuk."}))
    app.run_tasks()  # Lambda retried the task: nobody is answered twice
    answered = [app.tickets.get(f"S{i}") for i in range(1, 6)]
    assert all(t.status is Status.ANSWERED and list(t.deliveries).count("answer-1") == 1 for t in answered)
    assert not any("answer-2" in t.deliveries for t in answered)
    app.kemala.agencies.resolve("S1", "BPBD", "Air sudah surut.")
    app.run_tasks()
    assert all(app.tickets.get(f"S{i}").status is Status.RESOLVED for i in range(1, 6))


def test_an_unlinked_report_stands_alone_and_is_alerted_on_its_own():
    app = Reports()
    report(app, "S1", "Banjir di Genuk, rumah terendam air setinggi lutut")
    report(app, "S2", "Banjir di Genuk, rumah terendam air dan tanggul jebol")
    app.kemala.agencies.unlink("S2", "BPBD")
    assert app.tickets.get("S2").incident is None and app.notifier.kinds("S2") == ["new_ticket"]
    assert app.incidents.reports("INCS1") == {"S1"}
    app.kemala.agencies.answer("S1", "BPBD", "Pompa dikirim.")
    app.run_tasks()
    assert app.tickets.get("S2").status is Status.NOTIFIED


def test_a_report_that_keeps_losing_the_race_stays_on_its_own():
    app = Reports()
    app.incidents.conflicts = 100
    assert report(app, "S1", "Banjir di Genuk, rumah terendam air").incident is None
