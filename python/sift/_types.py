"""Sift's IP address columns as Arrow extension types (`spec/arrow.md` §2): `sift.ipv4` on
uint32 and `sift.ipv6` on fixed_size_binary(16), network byte order. Registered with pyarrow on
import, so their scalars are `ipaddress` objects; without registration (another process, another
tool) they read as their storage types with the extension name in the field metadata."""
from __future__ import annotations

import ipaddress

import pyarrow as pa


class IPv4Scalar(pa.ExtensionScalar):
    def as_py(self, *args, **kwargs):
        value = self.value
        return None if value is None else ipaddress.IPv4Address(value.as_py())


class IPv6Scalar(pa.ExtensionScalar):
    def as_py(self, *args, **kwargs):
        value = self.value
        if value is None:
            return None
        address = ipaddress.IPv6Address(value.as_py())
        return address.ipv4_mapped or address


class IPArray(pa.ExtensionArray):
    def to_strings(self) -> pa.Array:
        """The addresses as text (IPv4-mapped IPv6 addresses in dotted form)."""
        return pa.array([None if v is None else str(v) for v in self.to_pylist()], pa.string())


class _IPType(pa.ExtensionType):
    """An address type: a storage type, an extension name, a scalar class; no parameters."""

    _storage: pa.DataType
    _name: str
    _scalar: type

    def __init__(self):
        super().__init__(self._storage, self._name)

    def __arrow_ext_serialize__(self) -> bytes:
        return b""

    @classmethod
    def __arrow_ext_deserialize__(cls, storage_type, serialized):
        return cls()

    def __arrow_ext_scalar_class__(self):
        return self._scalar

    def __arrow_ext_class__(self):
        return IPArray


class IPv4Type(_IPType):
    _storage, _name, _scalar = pa.uint32(), "sift.ipv4", IPv4Scalar


class IPv6Type(_IPType):
    _storage, _name, _scalar = pa.binary(16), "sift.ipv6", IPv6Scalar


ipv4 = IPv4Type()
ipv6 = IPv6Type()


def _register() -> None:
    for t in (ipv4, ipv6):
        try:
            pa.register_extension_type(t)
        except pa.ArrowKeyError:
            pass  # already registered (the module was reloaded)


_register()


def ipv4_array(addresses) -> pa.ExtensionArray:
    """An ipv4 column from address strings (or None)."""
    values = [None if a is None else int(ipaddress.IPv4Address(a)) for a in addresses]
    return pa.ExtensionArray.from_storage(ipv4, pa.array(values, pa.uint32()))


def ipv6_array(addresses) -> pa.ExtensionArray:
    """An ipv6 column from address strings (or None); IPv4 addresses are stored IPv4-mapped."""
    def packed(a):
        ip = ipaddress.ip_address(a)
        if ip.version == 4:
            ip = ipaddress.IPv6Address("::ffff:" + str(ip))
        return ip.packed
    values = [None if a is None else packed(a) for a in addresses]
    return pa.ExtensionArray.from_storage(ipv6, pa.array(values, pa.binary(16)))
