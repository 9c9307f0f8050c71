"""The workflow engine: every "A drafts, B reviews, C approves" chain of the regulation.

A process is a ``Workflow`` — states and ``Transition`` s as data. ``transition()`` is the
only way a state changes: in one database transaction it locks the row, checks the source
state, the actor's role and object scope, runs every guard (collecting all failures into
one error), sets the new state, records the audit event with before/after and schedules
notifications with ``transaction.on_commit``. ``available_transitions()`` answers both the
UI (which buttons) and the API (which actions), so they never disagree.

No code outside this module assigns a workflow's state field (a test walks the source).

The engine knows no domain app. Two seams let apps above it join in without an import
pointing up: ``on_transition_done(subscriber)`` is told, once the transaction has
committed, of every move taken (``notifications`` subscribes in its ``AppConfig.ready`` and
sends the inbox/e-mail messages; a failing subscriber is logged and never undoes or breaks
the move), and ``add_guards(model, name, guards)`` lets an app add guards to another app's
step (``planning`` adds the DOM-2 weather gate to the work order's start).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from facadeops.audit.services import record
from facadeops.audit.verbs import register_verb

from .errors import NotFound, TransitionNotAllowed
from .roles import has_role

logger = logging.getLogger(__name__)

# A guard returns None/"" when satisfied, or one message / a list of messages when not.
Guard = Callable[[Any, "TransitionContext"], "str | Iterable[str] | None"]
Effect = Callable[[Any, "TransitionContext"], None]
ScopeCheck = Callable[[Any, Any], bool]
Recipients = Callable[[Any, "TransitionContext"], Iterable[Any]]


@dataclass(frozen=True)
class TransitionContext:
    actor: Any
    transition: Transition
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    from_state: str = ""  # the state the object is in when the move is tried


@dataclass(frozen=True)
class Transition:
    name: str
    source: str | Sequence[str]
    # The new state, or a function of (obj, ctx) giving it (e.g. "back where it was held").
    target: str | Callable[[Any, TransitionContext], str]
    roles: frozenset[str] | set[str]
    label: Any = ""
    guards: Sequence[Guard] = ()
    effects: Sequence[Effect] = ()
    requires_note: bool = False
    # Extra object-level check for this move (e.g. "only the assigned technician").
    scope: ScopeCheck | None = None
    # Who is told once the move is committed (the next actor).
    notify: Recipients | None = None
    style: str = "primary"  # button colour in the UI: primary / secondary / danger / success
    confirm: Any = ""  # confirmation question shown before the move, if any

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else tuple(self.source)


@dataclass(frozen=True)
class Workflow:
    name: str
    states: type[models.TextChoices]
    transitions: Sequence[Transition]
    state_field: str = "status"
    # Object scope every move must pass, e.g. "the actor's own project".
    scope: ScopeCheck | None = None
    # The record whose timeline should also show this object's moves (e.g. its project).
    audit_context: Callable[[Any], models.Model | None] | None = None

    def __post_init__(self) -> None:
        names = [t.name for t in self.transitions]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"Workflow {self.name}: duplicate transitions {sorted(dupes)}")
        valid = set(self.states.values)
        for t in self.transitions:
            fixed = [t.target] if isinstance(t.target, str) else []
            bad = [s for s in (*t.sources, *fixed) if s not in valid]
            if bad:
                raise ValueError(f"Workflow {self.name}.{t.name}: unknown states {bad}")

    def get(self, name: str) -> Transition:
        for t in self.transitions:
            if t.name == name:
                return t
        raise NotFound(
            _("There is no step called “%(name)s”.") % {"name": name}, code="unknown_transition"
        )


@dataclass(frozen=True)
class TransitionDone:
    """What subscribers are told once a move has committed."""

    model: type[models.Model]
    pk: Any
    workflow: str  # e.g. "work_order"
    transition: Transition
    from_state: str
    to_state: str
    actor_id: Any
    note: str
    # Who the transition's ``notify`` names (the next actors; the actor left out).
    recipient_ids: tuple[Any, ...]

    @property
    def verb(self) -> str:
        return f"{self.workflow}.{self.transition.name}"

    def fresh(self) -> Any:
        """The object as committed (read when a subscriber needs it)."""
        return self.model._default_manager.get(pk=self.pk)


Subscriber = Callable[[TransitionDone], None]
_SUBSCRIBERS: list[Subscriber] = []


def on_transition_done(subscriber: Subscriber) -> Subscriber:
    """Subscribe to every committed move (call from an ``AppConfig.ready``). Usable as a
    decorator; subscribing twice is harmless."""
    if subscriber not in _SUBSCRIBERS:
        _SUBSCRIBERS.append(subscriber)
    return subscriber


def _publish(event: TransitionDone) -> None:
    for subscriber in list(_SUBSCRIBERS):
        try:
            subscriber(event)
        except Exception:  # one failing subscriber never breaks the move or the others
            logger.exception("transition subscriber %r failed on %s", subscriber, event.verb)


_EXTRA_GUARDS: dict[tuple[type[models.Model], str], list[Guard]] = {}


def add_guards(model: type[models.Model], name: str, guards: Sequence[Guard]) -> None:
    """Add guards to step ``name`` of ``model``'s workflow from another app (call from its
    ``AppConfig.ready``); they run after the step's own guards, with the same reporting."""
    workflow_for(model).get(name)  # the step must exist
    extra = _EXTRA_GUARDS.setdefault((model, name), [])
    extra.extend(g for g in guards if g not in extra)


def guards_of(model: type[models.Model], t: Transition) -> list[Guard]:
    """The step's own guards, then those other apps added."""
    return [*t.guards, *_EXTRA_GUARDS.get((model, t.name), ())]


_REGISTRY: dict[type[models.Model], Workflow] = {}


def register(model: type[models.Model], workflow: Workflow) -> Workflow:
    """Bind a workflow to a model (call at import of the app's workflow.py)."""
    _REGISTRY[model] = workflow
    for t in workflow.transitions:
        if t.label:
            register_verb(f"{workflow.name}.{t.name}", t.label)
    return workflow


def registered() -> dict[type[models.Model], Workflow]:
    return dict(_REGISTRY)


def workflow_for(obj_or_model: Any) -> Workflow:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    for klass in model.__mro__:
        if klass in _REGISTRY:
            return _REGISTRY[klass]
    raise LookupError(f"No workflow registered for {model.__name__}")


def _messages(result: str | Iterable[str] | None) -> list[str]:
    if not result:
        return []
    if isinstance(result, str):
        return [result]
    return [str(m) for m in result if m]


def _check(obj: Any, wf: Workflow, t: Transition, ctx: TransitionContext) -> list[str]:
    """All the reasons this move is refused now ([] = allowed). Order: state, role, scope,
    then every guard, so the user sees every failure at once."""
    current = getattr(obj, wf.state_field)
    if current not in t.sources:
        return [
            _("“%(step)s” is not possible while the record is “%(state)s”.")
            % {"step": t.label or t.name, "state": wf.states(current).label}
        ]
    if not has_role(ctx.actor, t.roles):
        return [_("Your role does not allow “%(step)s”.") % {"step": t.label or t.name}]
    if (wf.scope and not wf.scope(ctx.actor, obj)) or (t.scope and not t.scope(ctx.actor, obj)):
        return [_("This record is outside your responsibility.")]
    failures: list[str] = []
    if t.requires_note and not ctx.note.strip():
        failures.append(_("Please give a reason or comment for this step."))
    for guard in guards_of(type(obj), t):
        failures.extend(_messages(guard(obj, ctx)))
    return failures


def available_transitions(obj: Any, user: Any) -> list[Transition]:
    """Moves this user may take on this object now, guards aside (buttons show them;
    a guard failure is reported when the move is tried, with every reason)."""
    wf = workflow_for(obj)
    current = getattr(obj, wf.state_field)
    result = []
    for t in wf.transitions:
        if current not in t.sources or not has_role(user, t.roles):
            continue
        if wf.scope and not wf.scope(user, obj):
            continue
        if t.scope and not t.scope(user, obj):
            continue
        result.append(t)
    return result


def blocked_reasons(
    obj: Any, name: str, *, actor: Any, note: str = "", data: Any = None
) -> list[str]:
    """Why ``name`` would be refused now (no write)."""
    wf = workflow_for(obj)
    t = wf.get(name)
    return _check(
        obj, wf, t, TransitionContext(actor=actor, transition=t, note=note, data=data or {})
    )


def transition(
    obj: Any, name: str, *, actor: Any, note: str = "", data: dict[str, Any] | None = None
) -> Any:
    """Take workflow step ``name`` on ``obj`` as ``actor``. Returns the updated object
    (``obj`` itself is refreshed too). Raises TransitionNotAllowed with every reason."""
    wf = workflow_for(obj)
    t = wf.get(name)
    model = type(obj)
    with transaction.atomic():
        try:
            locked = model._default_manager.select_for_update().get(pk=obj.pk)
        except model.DoesNotExist as exc:
            raise NotFound() from exc
        ctx = TransitionContext(
            actor=actor,
            transition=t,
            note=note or "",
            data=data or {},
            from_state=getattr(locked, wf.state_field),
        )
        failures = _check(locked, wf, t, ctx)
        if failures:
            raise TransitionNotAllowed(reasons=failures)
        before_state = getattr(locked, wf.state_field)
        target = t.target if isinstance(t.target, str) else t.target(locked, ctx)
        if target not in wf.states.values:
            raise TransitionNotAllowed(reasons=[_("The step leads to an unknown state.")])
        tracked = {f.attname for f in model._meta.concrete_fields}
        before_values = {a: getattr(locked, a) for a in tracked}
        setattr(locked, wf.state_field, target)
        for effect in t.effects:
            effect(locked, ctx)
        changed = [a for a in tracked if getattr(locked, a) != before_values[a] and a != "version"]
        update: dict[str, Any] = {a: getattr(locked, a) for a in changed}
        if any(f.name == "version" for f in model._meta.concrete_fields):
            update["version"] = F("version") + 1
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            update["updated_at"] = timezone.now()
        model._default_manager.filter(pk=locked.pk).update(**update)
        locked.refresh_from_db()
        record(
            actor=actor,
            verb=f"{wf.name}.{t.name}",
            target=locked,
            before={wf.state_field: before_state}
            | {a: before_values[a] for a in changed if a != wf.state_field},
            after={wf.state_field: target}
            | {a: getattr(locked, a) for a in changed if a != wf.state_field},
            note=ctx.note,
            context=wf.audit_context(locked) if wf.audit_context else None,
        )
        recipients = (
            [u for u in t.notify(locked, ctx) if u is not None and u != actor]
            if t.notify is not None
            else []
        )
        if _SUBSCRIBERS:
            event = TransitionDone(
                model=model,
                pk=locked.pk,
                workflow=wf.name,
                transition=t,
                from_state=before_state,
                to_state=target,
                actor_id=getattr(actor, "pk", None),
                note=ctx.note,
                recipient_ids=tuple(u.pk for u in recipients),
            )
            transaction.on_commit(lambda: _publish(event))
    for f in model._meta.concrete_fields:
        setattr(obj, f.attname, getattr(locked, f.attname))
    return locked
