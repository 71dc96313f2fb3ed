"""What the stack tests read off the embedded stack: tickets, executions, signed links."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import requests

from chalicelib.adapters.dynamodb import DynamoTicketRepository
from chalicelib.domain import links
from chalicelib.domain.tickets import FINISHED
from chalicelib.services.ports import TicketNotFoundError

repo = DynamoTicketRepository()


def execution_arn(stack, ticket_id: str) -> str:
    return stack.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{ticket_id}"


def states_entered(stack, ticket_id: str) -> list[str]:
    events = stack.aws.session().client("stepfunctions").get_execution_history(
        executionArn=execution_arn(stack, ticket_id), maxResults=1000)["events"]
    return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]


def execution_status(stack, ticket_id: str) -> str:
    return stack.aws.session().client("stepfunctions").describe_execution(
        executionArn=execution_arn(stack, ticket_id))["status"]


def link_secret(stack) -> str:
    return stack.aws.session().client("secretsmanager").get_secret_value(
        SecretId=os.environ["LINK_SECRET"])["SecretString"]


def signed(ticket_id: str, action: str, agency: str, lifetime: timedelta = timedelta(days=1)) -> links.SignedLink:
    return links.SignedLink.issue(ticket_id, action, agency, datetime.now(timezone.utc), lifetime)


def link(stack, ticket_id: str, action: str, agency: str) -> str:
    return signed(ticket_id, action, agency).url(stack.api_url, link_secret(stack))


def waiting(ticket_id: str) -> bool:
    """The ticket exists, is with its agency, and the workflow holds a token to resume."""
    try:
        return bool(repo.get(ticket_id).task_token)
    except TicketNotFoundError:  # intake behind a queue has not made it yet
        return False


def citizen_posts(stack, tweet_id: int) -> list[str]:
    """Kemala's posts in the complaint's thread, oldest first."""
    return [p.text for p in stack.x.replies if p.conversation_id == tweet_id]


def finish(stack, ticket_id: str) -> None:
    """Resolve a test's ticket as its holder, so its workflow stops climbing the ladder (less load for
    the tests after it)."""
    ticket = repo.get(ticket_id)
    if ticket.agency and ticket.status not in FINISHED:
        requests.post(link(stack, ticket_id, "resolve", ticket.agency), data={"note": "Selesai (uji)"}, timeout=30)
