/* commands.c - the command table, alphabetical. */
#include "cmd.h"

extern const struct cmd_entry cmd_access_grant_entry;
extern const struct cmd_entry cmd_access_list_entry;
extern const struct cmd_entry cmd_access_log_entry;
extern const struct cmd_entry cmd_access_revoke_entry;
extern const struct cmd_entry cmd_action_add_entry;
extern const struct cmd_entry cmd_action_done_entry;
extern const struct cmd_entry cmd_action_list_entry;
extern const struct cmd_entry cmd_backup_entry;
extern const struct cmd_entry cmd_config_get_entry;
extern const struct cmd_entry cmd_config_list_entry;
extern const struct cmd_entry cmd_config_set_entry;
extern const struct cmd_entry cmd_config_unset_entry;
extern const struct cmd_entry cmd_demo_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_import_entry;
extern const struct cmd_entry cmd_init_entry;
extern const struct cmd_entry cmd_member_forget_entry;
extern const struct cmd_entry cmd_member_list_entry;
extern const struct cmd_entry cmd_purge_entry;
extern const struct cmd_entry cmd_remind_entry;
extern const struct cmd_entry cmd_report_compare_entry;
extern const struct cmd_entry cmd_report_team_entry;
extern const struct cmd_entry cmd_restore_entry;
extern const struct cmd_entry cmd_results_entry;
extern const struct cmd_entry cmd_send_entry;
extern const struct cmd_entry cmd_serve_entry;
extern const struct cmd_entry cmd_survey_add_entry;
extern const struct cmd_entry cmd_survey_list_entry;
extern const struct cmd_entry cmd_survey_show_entry;
extern const struct cmd_entry cmd_survey_validate_entry;
extern const struct cmd_entry cmd_team_import_entry;
extern const struct cmd_entry cmd_team_list_entry;
extern const struct cmd_entry cmd_tick_entry;
extern const struct cmd_entry cmd_wave_cancel_entry;
extern const struct cmd_entry cmd_wave_close_entry;
extern const struct cmd_entry cmd_wave_create_entry;
extern const struct cmd_entry cmd_wave_list_entry;
extern const struct cmd_entry cmd_wave_series_entry;
extern const struct cmd_entry cmd_wave_set_entry;
extern const struct cmd_entry cmd_wave_show_entry;

/* clang-format off */
const struct cmd_entry *const cmd_table[] = {
	&cmd_access_grant_entry,
	&cmd_access_list_entry,
	&cmd_access_log_entry,
	&cmd_access_revoke_entry,
	&cmd_action_add_entry,
	&cmd_action_done_entry,
	&cmd_action_list_entry,
	&cmd_backup_entry,
	&cmd_config_get_entry,
	&cmd_config_list_entry,
	&cmd_config_set_entry,
	&cmd_config_unset_entry,
	&cmd_demo_entry,
	&cmd_help_entry,
	&cmd_import_entry,
	&cmd_init_entry,
	&cmd_member_forget_entry,
	&cmd_member_list_entry,
	&cmd_purge_entry,
	&cmd_remind_entry,
	&cmd_report_compare_entry,
	&cmd_report_team_entry,
	&cmd_restore_entry,
	&cmd_results_entry,
	&cmd_send_entry,
	&cmd_serve_entry,
	&cmd_survey_add_entry,
	&cmd_survey_list_entry,
	&cmd_survey_show_entry,
	&cmd_survey_validate_entry,
	&cmd_team_import_entry,
	&cmd_team_list_entry,
	&cmd_tick_entry,
	&cmd_wave_cancel_entry,
	&cmd_wave_close_entry,
	&cmd_wave_create_entry,
	&cmd_wave_list_entry,
	&cmd_wave_series_entry,
	&cmd_wave_set_entry,
	&cmd_wave_show_entry,
	NULL,
};
/* clang-format on */
