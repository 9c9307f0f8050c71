"""What notifications listens to: the workflow engine's committed moves."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from facadeops.core.workflow import TransitionDone

from .services import notify

TITLE = gettext_lazy("%(record)s: %(step)s")


def notify_next_actors(event: TransitionDone) -> None:
    """Tell the people a step names (its ``notify``: the next actors) that it was taken —
    inbox, and e-mail/webhook by their preferences. Runs after the commit."""
    if not event.recipient_ids:
        return
    fresh = event.fresh()
    step = event.transition.label or event.transition.name
    notify(
        recipient_ids=list(event.recipient_ids),
        verb=event.verb,
        title=str(TITLE) % {"record": fresh, "step": step},
        body=event.note,
        target=fresh,
        actor_id=event.actor_id,
    )
