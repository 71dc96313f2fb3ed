"""Step Functions: start a ticket's workflow (and its reopen executions), resume it when the agency acts."""
from __future__ import annotations

import json

from botocore.exceptions import ClientError

from chalicelib.services.ports import WorkflowResumeError


class StepFunctionsWorkflow:
    def __init__(self, client, state_machine_arn: str) -> None:
        self._client = client
        self._arn = state_machine_arn

    def start(self, ticket_id: str) -> bool:
        """Start the ticket's execution, named after the ticket: a second start is a no-op.

        Returns False when an execution with that name already exists.
        """
        return self._start(ticket_id, {"ticket_id": ticket_id})

    def _start(self, name: str, payload: dict) -> bool:
        try:
            self._client.start_execution(stateMachineArn=self._arn, name=name, input=json.dumps(payload))
        except ClientError as error:
            if error.response["Error"]["Code"] == "ExecutionAlreadyExists":
                return False
            raise
        return True

    def reopen(self, ticket_id: str, round_: int, view: dict) -> bool:
        """The reopen execution of this round (`<ticket>-R<round>`); False when it exists already."""
        return self._start(f"{ticket_id}-R{round_}", {"ticket_id": ticket_id, "reopened": round_, "ticket": view})

    def resume(self, task_token: str, output: dict) -> None:
        try:
            self._client.send_task_success(taskToken=task_token, output=json.dumps(output))
        except ClientError as error:
            if error.response["Error"]["Code"] in {"TaskTimedOut", "TaskDoesNotExist", "InvalidToken"}:
                raise WorkflowResumeError(error.response["Error"]["Code"]) from error
            raise
