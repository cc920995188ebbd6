"""The demo channel: delivers nowhere. The outbox row is the message (`diwan outbox`, demo page)."""

from __future__ import annotations

from diwan.notifications.channels import Delivered, Outgoing


class DemoChannel:
    name = "demo"
    delivers_outside = False

    def deliver(self, message: Outgoing) -> Delivered:
        return Delivered(provider_reference=f"demo-{message.message_id}")
