"""Starts moto's server with fixes for two moto 5.2.1 bugs that a correct plan trips.

1. Bucket policies: moto applies a statement whatever its Condition when the request carries none
   of the condition's keys, so the ignition bucket's TLS-only Deny (aws:SecureTransport = false)
   refuses every request with 403. Here a statement whose condition keys are all absent from the
   request does not apply, as in AWS where such a condition simply does not match.
2. Security-group rules for an IP protocol without ports (50, ESP) crash with HTTP 500 because
   moto converts the missing ports with int(None). Here a portless protocol other than -1 gets
   ports -1, as EC2 itself reports them.

Usage: python3 moto_launcher.py -H 127.0.0.1 -p PORT (the arguments of moto_server).
"""

import sys

from moto.ec2.models import security_groups
from moto.iam import access_control
from moto.server import main

_statement_permitted = access_control.IAMPolicyStatement.is_action_permitted


def _is_action_permitted(self, action, resource="*", principal=None, incoming_condition_values=None):
    conditions = self._statement.get("Condition")
    if conditions:
        keys = {key.lower() for operator in conditions.values() for key in operator}
        present = {key.lower() for key in (incoming_condition_values or {})}
        if not keys & present:
            return access_control.PermissionResult.NEUTRAL
    return _statement_permitted(self, action, resource, principal, incoming_condition_values)


access_control.IAMPolicyStatement.is_action_permitted = _is_action_permitted

_rule_init = security_groups.SecurityGroupRule.__init__


def _rule_init_portless(self, ec2_backend, ip_protocol, group_id, from_port, to_port, *args, **kwargs):
    if ip_protocol not in (None, "-1", -1) and from_port is None and to_port is None:
        from_port = to_port = -1
    _rule_init(self, ec2_backend, ip_protocol, group_id, from_port, to_port, *args, **kwargs)


security_groups.SecurityGroupRule.__init__ = _rule_init_portless

if __name__ == "__main__":
    main(sys.argv[1:])
