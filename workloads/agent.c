/* agent.c - placeholder. */
typedef int vb_agent_placeholder_t;
