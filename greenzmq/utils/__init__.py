"""Small helpers shared by greenzmq and its users: z85, JSON, socket monitor messages."""
