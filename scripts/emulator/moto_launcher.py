"""Starts moto's server with fixes for moto 5.2.1 bugs that a correct plan trips.

1. Bucket policies: moto applies a statement whatever its Condition when the request carries none
   of the condition's keys, so the ignition bucket's TLS-only Deny (aws:SecureTransport = false)
   refuses every request with 403. Here a statement whose condition keys are all absent from the
   request does not apply, as in AWS where such a condition simply does not match.
2. Security-group rules for an IP protocol without ports (50, ESP) crash with HTTP 500 because
   moto converts the missing ports with int(None). Here a portless protocol other than -1 gets
   ports -1, as EC2 itself reports them.
3. Route 53: a zone created with a VPC but without HostedZoneConfig.PrivateZone (as the AWS
   provider sends it) becomes a public zone without the VPC, so the next plan tries to associate
   the VPC again and fails. In AWS a zone created with a VPC is private; here too.
4. Security-group rules that reference another group lose their description in
   DescribeSecurityGroupRules (moto reads it from the CIDR part only), so every plan after the
   first wants to set it again. Here the description comes from the group pair too.
5. Instances launched with a network-interface spec (the provider sends one whenever
   associate_public_ip_address is set) keep their groups on the interface only, and an interface
   without a public IP reports an empty Association. The provider then reads no groups and a
   public IP, and plans to replace every machine. Here the instance lists its primary
   interface's groups, and an interface without a public IP has no Association, as in EC2.
6. Zones: moto knows only the regular AZs, without OptInStatus, GroupName, NetworkBorderGroup or a
   parent zone, and ignores the opt-in-status filter. The AWS provider's aws_availability_zone then
   reads an empty opt-in status and no parent, and no subnet can be made in a Local Zone. Here every
   zone carries those fields as EC2 reports them (a regular AZ: opt-in-not-required, its region as
   group), the filter works, and us-east-1 has three edge zones: the Local Zone us-east-1-nyc-1a and
   the Wavelength Zone us-east-1-wl1-bos-wlz-1 (opted in, parent us-east-1a), and the Local Zone
   us-east-1-bos-1a (not opted in). The default VPC gets a subnet in each, as in moto's other zones:
   moto makes the first subnet of a zone its default subnet, with public IPs on launch.
7. Network ACL entries lose their ICMP type and code: moto reads the request's Icmp.Code and
   Icmp.Type, but its parser names them after the API member (IcmpTypeCode.Code, .Type). An ICMP
   entry then reads back without them, and the next plan replaces it. Here both names are read.
8. RunInstances drops a block device's Iops and Throughput, so a gp3 root volume with a
   throughput (machines.<pool>.rootVolume.throughput) reads back without it and every plan after
   the first wants to modify the volume. Here the created volume keeps both, as in EC2.
9. Network interfaces of terminated instances are left behind. The primary interface that
   RunInstances makes for an instance launched into a subnet without a network-interface spec
   gets DeleteOnTermination false (EC2 makes it true), and a spec's DeleteOnTermination is
   compared with `is True`, which a query string "true" is not. The interface then outlives its
   instance, keeps its private IP and holds its subnet and security groups, so a torn-down
   cluster leaves them behind. Here an interface the launch creates is deleted with its instance
   unless the spec says otherwise, and a string flag is read as the boolean it stands for.
10. A deleted NAT gateway keeps its network interface (moto only marks the gateway deleted), so
   every torn-down VPC with NAT gateways leaves one interface per gateway. Here the interface
   goes with the gateway, and its Elastic IP is disassociated, as in EC2.
11. moto's backends are not safe for concurrent access (its documentation says so, getmoto/moto#7166),
   but its server handles each request on a thread of its own, and Terraform sends up to ten at
   once per stack. On a loaded machine two full test runs in about seven failed on it: an
   AuthorizeSecurityGroupIngress answered InvalidPermission.Duplicate for a rule created once, and
   a RevokeSecurityGroupIngress answered 400 while deleting a rule that existed (most likely a
   request that changed the state, failed in a race all the same, and was retried). Here requests are handled one at a time, as
   moto's backends assume; each takes milliseconds.
12. A VPC or subnet cannot be given its id: moto honours its own `_custom_id_` tag only for a few
   other resources. Here a VPC or subnet created with that tag gets that id (and not the tag), so
   `npm run emulator` makes the existing VPC a cluster file names under the file's own ids, as it
   loads the file's images under theirs. Not an EC2 bug: EC2 has no such tag.
13. Revoking a security-group rule by an id the group does not hold answers
   InvalidPermission.NotFound; EC2 answers InvalidSecurityGroupRuleId.NotFound, which the AWS
   provider reads as "already deleted" when it destroys an aws_vpc_security_group_*_rule. A
   teardown under load then failed on a rule that was gone already (seen in emulator.e2e even with
   fix 11: most likely a revoke retried after its first answer was lost). Here the id is checked
   first and EC2's code given.

Also used by `npm run emulator` (scripts/emulator/main.ts), which starts the same server for users.

Usage: python3 moto_launcher.py -H 127.0.0.1 -p PORT (the arguments of moto_server).
"""

import sys
import threading

# Without moto (or its server's extras) a user gets one line saying what to install, not a traceback;
# exit code 3 tells scripts/emulator/moto.ts the line is the whole message.
try:
    from moto.ec2.models import elastic_network_interfaces, instances, nat_gateways, security_groups, subnets, vpcs
    from moto.ec2.exceptions import EC2ClientError, InvalidParameterValueError
    from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend, Zone
    from moto.ec2.responses import instances as instance_responses
    from moto.ec2.responses import network_acls as network_acl_responses
    from moto.iam import access_control
    from moto.route53 import responses as route53_responses
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication
    from moto.server import main
except ModuleNotFoundError as missing:
    print(f"moto not found: {sys.executable} cannot import {missing.name}; pip install 'moto[server]'", file=sys.stderr)
    sys.exit(3)

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
security_groups.SecurityGroupRule.description = property(
    lambda self: self.ip_range.get("Description") or (self.source_group or {}).get("Description")
)

_prep_nics = instances.Instance.prep_nics


def _prep_nics_with_groups(self, nic_spec, *args, **kwargs):
    for nic in nic_spec or []:
        if isinstance(nic.get("DeleteOnTermination"), str):
            nic["DeleteOnTermination"] = nic["DeleteOnTermination"].lower() == "true"
    _prep_nics(self, nic_spec, *args, **kwargs)
    specs = {int(nic.get("DeviceIndex", 0)): nic for nic in nic_spec or []}
    for index, interface in self.nics.items():
        spec = specs.get(index, {})
        if "DeleteOnTermination" not in spec and not spec.get("NetworkInterfaceId"):
            interface.delete_on_termination = True
    primary = self.nics.get(0)
    if primary is not None and not self.security_groups:
        self.security_groups = list(primary._group_set)


instances.Instance.prep_nics = _prep_nics_with_groups
_delete_nat_gateway = nat_gateways.NatGatewayBackend.delete_nat_gateway


def _delete_nat_gateway_and_interface(self, nat_gateway_id):
    gateway = _delete_nat_gateway(self, nat_gateway_id)
    interface = getattr(gateway, "_eni", None)
    if interface is not None and interface.id in self.enis:
        for address in self.addresses:
            if address.eni is interface:
                address.eni = None
                address.association_id = None
        self.delete_network_interface(interface.id)
    return gateway


nat_gateways.NatGatewayBackend.delete_nat_gateway = _delete_nat_gateway_and_interface
_association = elastic_network_interfaces.NetworkInterface.association
elastic_network_interfaces.NetworkInterface.association = property(
    lambda self: _association.fget(self) if self.public_ip else None
)

_parse_mappings = instance_responses.InstanceResponse._parse_block_device_mapping


def _mappings_with_throughput(self):
    mappings = _parse_mappings(self)
    for mapping, requested in zip(mappings, self._get_param("BlockDeviceMappings", [])):
        mapping["Ebs"]["Throughput"] = (requested.get("Ebs") or {}).get("Throughput")
    return mappings


instance_responses.InstanceResponse._parse_block_device_mapping = _mappings_with_throughput
_run_instances = instances.InstanceBackend.run_instances


def _run_instances_keeping_performance(self, image_id, count, user_data, security_group_names, **kwargs):
    reservation = _run_instances(self, image_id, count, user_data, security_group_names, **kwargs)
    for mapping in kwargs.get("block_device_mappings") or []:
        ebs = mapping.get("Ebs") or {}
        for instance in reservation.instances:
            device = instance.block_device_mapping.get(mapping.get("DeviceName"))
            if device is None:
                continue
            volume = self.get_volume(device.volume_id)
            if ebs.get("Iops"):
                volume.iops = int(ebs["Iops"])
            if ebs.get("Throughput"):
                volume.throughput = int(ebs["Throughput"])
    return reservation


instances.InstanceBackend.run_instances = _run_instances_keeping_performance

_bool_param = route53_responses.Route53._get_bool_param


def _private_when_vpc_given(self, name, if_none=None):
    if name == "HostedZoneConfig.PrivateZone" and self._get_param("VPC.VPCId"):
        return True
    return _bool_param(self, name, if_none)


route53_responses.Route53._get_bool_param = _private_when_vpc_given

Zone.opt_in_status = "opt-in-not-required"
Zone.group_name = property(lambda self: self.__dict__.get("_group", self.region_name))
Zone.network_border_group = property(lambda self: self.__dict__.get("_border_group", self.region_name))
Zone.parent_zone_name = None
Zone.parent_zone_id = None


def _edge_zone(name, zone_id, zone_type, group, opt_in_status):
    zone = Zone(name=name, region_name="us-east-1", zone_id=zone_id, zone_type=zone_type)
    zone.__dict__.update(_group=group, _border_group=group if zone_type == "local-zone" else name, opt_in_status=opt_in_status)
    zone.parent_zone_name, zone.parent_zone_id = "us-east-1a", "use1-az6"
    return zone


RegionsAndZonesBackend.zones["us-east-1"] += [
    _edge_zone("us-east-1-nyc-1a", "use1-nyc1-az1", "local-zone", "us-east-1-nyc-1", "opted-in"),
    _edge_zone("us-east-1-wl1-bos-wlz-1", "use1-wl1-bos-wlz1", "wavelength-zone", "us-east-1-wl1", "opted-in"),
    _edge_zone("us-east-1-bos-1a", "use1-bos1-az1", "local-zone", "us-east-1-bos-1", "not-opted-in"),
]
_describe_zones = RegionsAndZonesBackend.describe_availability_zones


def _describe_zones_by_opt_in(self, filters=None, zone_names=None, zone_ids=None):
    filters = dict(filters or {})
    wanted = filters.pop("opt-in-status", None)
    zones = _describe_zones(self, filters, zone_names, zone_ids)
    return zones if wanted is None else [z for z in zones if z.opt_in_status in wanted]


RegionsAndZonesBackend.describe_availability_zones = _describe_zones_by_opt_in


def _reading_icmp_type_code(handler):
    def handle(self):
        get_param = self._get_param

        def _get_param(name, if_none=None):
            if name in ("Icmp.Code", "Icmp.Type"):
                return get_param(name.replace("Icmp.", "IcmpTypeCode."), get_param(name, if_none))
            return get_param(name, if_none)

        self._get_param = _get_param
        try:
            return handler(self)
        finally:
            del self._get_param

    return handle


for _name in ("create_network_acl_entry", "replace_network_acl_entry"):
    setattr(network_acl_responses.NetworkACLs, _name, _reading_icmp_type_code(getattr(network_acl_responses.NetworkACLs, _name)))

_CUSTOM_ID = "_custom_id_"


def _created_with_custom_id(module, generator, backend_class, create, custom_id_of, exists):
    """Wraps backend_class.create so that module.generator() returns the id the call's tags ask for."""
    original_create, random_id = getattr(backend_class, create), getattr(module, generator)

    def created(self, *args, tags=None, **kwargs):
        wanted, tags = custom_id_of(tags)
        if wanted is None:
            return original_create(self, *args, tags=tags, **kwargs)
        if exists(self, wanted):
            raise InvalidParameterValueError(f"{_CUSTOM_ID} {wanted} (it exists already)")
        # Requests are handled one at a time (fix 11), so no other create sees this id.
        setattr(module, generator, lambda: wanted)
        try:
            return original_create(self, *args, tags=tags, **kwargs)
        finally:
            setattr(module, generator, random_id)

    setattr(backend_class, create, created)


def _vpc_custom_id(tags):
    # [{"Key": ..., "Value": ...}]
    wanted = next((t["Value"] for t in tags or [] if t["Key"] == _CUSTOM_ID), None)
    return wanted, [t for t in tags or [] if t["Key"] != _CUSTOM_ID] if wanted else tags


def _subnet_custom_id(tags):
    # {"subnet": {key: value}}
    wanted = (tags or {}).get("subnet", {}).get(_CUSTOM_ID)
    return wanted, {**tags, "subnet": {k: v for k, v in tags["subnet"].items() if k != _CUSTOM_ID}} if wanted else tags


_created_with_custom_id(vpcs, "random_vpc_id", vpcs.VPCBackend, "create_vpc", _vpc_custom_id, lambda backend, id: id in backend.vpcs)
_created_with_custom_id(
    subnets,
    "random_subnet_id",
    subnets.SubnetBackend,
    "create_subnet",
    _subnet_custom_id,
    lambda backend, id: any(id in zone for zone in backend.subnets.values()),
)

def _revoking_known_rule_ids(revoke, rules_of):
    def revoked(self, group_name_or_id, *args, security_rule_ids=None, vpc_id=None, **kwargs):
        group = self.get_security_group_by_name_or_id(group_name_or_id, vpc_id)
        held = {rule.id for rule in rules_of(group)} if group else set()
        for rule_id in security_rule_ids or []:
            if group and rule_id not in held:
                raise EC2ClientError("InvalidSecurityGroupRuleId.NotFound", f"The security group rule ID '{rule_id}' does not exist")
        return revoke(self, group_name_or_id, *args, security_rule_ids=security_rule_ids, vpc_id=vpc_id, **kwargs)

    return revoked


security_groups.SecurityGroupBackend.revoke_security_group_ingress = _revoking_known_rule_ids(
    security_groups.SecurityGroupBackend.revoke_security_group_ingress, lambda group: group.ingress_rules
)
security_groups.SecurityGroupBackend.revoke_security_group_egress = _revoking_known_rule_ids(
    security_groups.SecurityGroupBackend.revoke_security_group_egress, lambda group: group.egress_rules
)

_one_at_a_time = threading.Lock()
_dispatch = DomainDispatcherApplication.__call__


def _dispatch_serially(self, environ, start_response):
    # The whole response is built under the lock: a lazy body would read the backends after it.
    with _one_at_a_time:
        body = _dispatch(self, environ, start_response)
        try:
            return list(body)
        finally:
            # WSGI: whoever consumes a response body closes it; the server only sees the list.
            getattr(body, "close", lambda: None)()


DomainDispatcherApplication.__call__ = _dispatch_serially

if __name__ == "__main__":
    main(sys.argv[1:])
