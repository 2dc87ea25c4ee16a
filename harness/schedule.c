/* schedule.c - placeholder (being written). */
typedef int vb_schedule_placeholder_t;
