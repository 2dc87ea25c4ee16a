/* cmd_doctor.c - placeholder. */
typedef int vb_cmd_doctor_placeholder_t;
