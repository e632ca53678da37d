"""What every LLM planner shares: ask, validate, one repair round, then the offline planner.

A backend only implements `_complete(chat, request, cancel) -> str`. Whatever it answers goes
through `validate_plan`; an answer that cannot be used is shown to the model once with the
reason, and if the second answer fails too the offline planner plans the story and the plan
carries a warning saying so. Set-up problems (no model named, a missing folder, a missing
optional package) are raised as errors instead: a fallback would hide them.
"""
from __future__ import annotations

import logging

from engine.errors import StudioError
from engine.planning.llm.prompting import messages, parse_reply, repair_messages
from engine.planning.plan import Plan, PlanRequest
from engine.planning.validate import PlanError, validate_plan
from engine.progress import CancelToken, Progress

log = logging.getLogger(__name__)


class BackendFailure(StudioError):
    """The model could not answer (timeout, server error, generation failure)."""


class LLMPlanner:
    name = "llm"

    def plan(self, request: PlanRequest, progress: Progress | None = None,
             cancel: CancelToken | None = None) -> Plan:
        report = progress or (lambda fraction, message: None)
        chat = messages(request)
        self.answers: list[str] = []  # the model's raw answers to this request, kept to inspect
        problem = ""
        for attempt in (1, 2):
            if cancel is not None:
                cancel.raise_if_cancelled()
            report(0.05 if attempt == 1 else 0.5,
                   f"asking the {self.name} model" + (" again" if attempt == 2 else ""))
            try:
                reply = self._complete(chat, request, cancel)
            except BackendFailure as exc:
                problem = str(exc)
                break  # the model is not answering; a repair round would not help
            self.answers.append(reply)
            try:
                plan = validate_plan(parse_reply(reply), request.duration_s, self.name)
            except (PlanError, ValueError, TypeError, RecursionError) as exc:
                # an answer that breaks the JSON reader (nested thousands deep, a number of
                # thousands of digits) is as unusable as one that breaks the rules
                problem = str(exc) if isinstance(exc, PlanError) else (
                    f"the model's answer cannot be read ({type(exc).__name__}: "
                    f"{str(exc)[:80]})")
                log.warning("%s planner answer %d unusable: %s", self.name, attempt, problem)
                chat = repair_messages(chat, reply, problem)
                continue
            if attempt == 2:
                plan.warnings.insert(0, f"the {self.name} model's first plan was unusable "
                                        f"({problem}); it corrected it when asked")
            report(1.0, f"planned {len(plan.events)} events")
            return plan
        return self._fall_back(request, problem, progress, cancel)

    def _fall_back(self, request: PlanRequest, problem: str, progress, cancel) -> Plan:
        from engine.planning.offline.planner import OfflinePlanner

        plan = OfflinePlanner().plan(request, progress, cancel)
        plan.warnings.insert(0, f"the {self.name} planner gave no usable plan ({problem}); "
                                "this plan is the offline planner's instead")
        return plan

    def _complete(self, chat: list[dict[str, str]], request: PlanRequest,
                  cancel: CancelToken | None) -> str:
        raise NotImplementedError
