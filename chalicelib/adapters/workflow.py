"""Step Functions: start a ticket's workflow and resume it when the agency acknowledges."""
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
        try:
            self._client.start_execution(
                stateMachineArn=self._arn, name=ticket_id, input=json.dumps({"ticket_id": ticket_id})
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ExecutionAlreadyExists":
                return False
            raise
        return True

    def resume(self, task_token: str, output: dict) -> None:
        try:
            self._client.send_task_success(taskToken=task_token, output=json.dumps(output))
        except ClientError as error:
            if error.response["Error"]["Code"] in {"TaskTimedOut", "TaskDoesNotExist", "InvalidToken"}:
                raise WorkflowResumeError(error.response["Error"]["Code"]) from error
            raise
