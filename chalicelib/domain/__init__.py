"""The pure core of Kemala: tickets, routing, SLA clocks and messages. No AWS in here."""
