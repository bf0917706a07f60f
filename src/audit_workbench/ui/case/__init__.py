"""The parts of the case page: the pipeline stepper, the five tabs, their Qt models and dialogs.

Each tab is a widget that shows one `CaseDetail` (`set_case`) and calls the services for every
change; none of them decides what is allowed or valid: the policy table explains disabled actions
and the services' refusals are shown as they come.
"""
