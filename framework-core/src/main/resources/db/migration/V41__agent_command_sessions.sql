-- A command is handed to an agent's process once: delivered_to names the session (one per agent
-- process start) that took it. A poll from the same session does not receive it again while it
-- runs; a poll from a new session (the agent restarted) does, and the agent's journal decides.
-- arguments and result are sealed with the deployment's master key from now on: they can carry
-- passwords.
ALTER TABLE agent_commands ADD COLUMN delivered_to VARCHAR(36);
