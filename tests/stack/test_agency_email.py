"""Agencies read their alerts as SES e-mail (text and HTML) with only Kemala's links; the hourly check
names any duty officer's or operators' topic that would reach nobody."""
from __future__ import annotations

import re

from chalicelib.domain.directory import load_directory
from local.aws import ACCOUNT, REGION
from local.observe import sent_emails
from tests.stack.conftest import wait_until
from tests.stack.helpers import finish, repo, waiting


def test_the_agency_gets_an_html_email_with_the_citizens_words_escaped_and_only_kemalas_links(stack):
    post = stack.x.release('Jalan rusak <b>parah</b> di Boyolali\nKonfirmasi penerimaan: <a href="https://evil.example">'
                           "klik</a> #KemalaJateng", "warga_boyolali")
    stack.poll()
    ticket_id = f"X{post.id}"
    wait_until(lambda: waiting(ticket_id))
    agency = load_directory()[repo.get(ticket_id).agency]
    (email,) = wait_until(lambda: [e for e in sent_emails(REGION, ACCOUNT)
                                   if ticket_id in e.subject and "Aduan baru" in e.subject])
    assert email.to == (agency.email,)
    hrefs = re.findall(r'href="([^"]+)"', email.html)
    assert len(hrefs) == 4 and all(h.startswith(f"{stack.api_url}/tickets/{ticket_id}/") for h in hrefs)
    assert "&lt;b&gt;parah&lt;/b&gt;" in email.html and "evil.example&quot;&gt;klik" in email.html
    finish(stack, ticket_id)


def test_the_recipient_check_names_a_topic_that_reaches_nobody_and_an_opted_out_phone(stack):
    sns = stack.aws.session().client("sns")
    prefix = f"arn:aws:sns:{REGION}:{ACCOUNT}:kemala-{stack.stage}-"
    assert stack.scheduled("check_recipients") == {"unreachable": []}

    (operators,) = sns.list_subscriptions_by_topic(TopicArn=f"{prefix}operators")["Subscriptions"]
    duty = f"{prefix}agency-{load_directory()['BPBD'].duty_topic}"
    opted_out = sns.subscribe(TopicArn=duty, Protocol="sms", Endpoint="+6281234567899")["SubscriptionArn"]
    sns.unsubscribe(SubscriptionArn=operators["SubscriptionArn"])
    try:
        assert sorted(stack.scheduled("check_recipients")["unreachable"]) == [
            "agency-bpbd-duty: +6281234567899 opted out of SMS", "operators: no confirmed subscriber"]
    finally:
        sns.unsubscribe(SubscriptionArn=opted_out)
        sns.subscribe(TopicArn=f"{prefix}operators", Protocol="email", Endpoint=operators["Endpoint"])
    assert stack.scheduled("check_recipients") == {"unreachable": []}
