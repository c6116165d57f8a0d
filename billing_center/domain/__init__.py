"""Pure domain code: money, enums, errors with codes and the clock. No I/O, no framework."""
