#!/usr/bin/perl
# A test server: reports TCP_NODELAY and SO_KEEPALIVE of the connection on its stdin.
use strict;
use Socket qw(IPPROTO_TCP TCP_NODELAY SOL_SOCKET SO_KEEPALIVE);
open(my $socket, '+<&=', 0) or die "fd 0: $!";
my $nodelay = unpack('i', getsockopt($socket, IPPROTO_TCP, TCP_NODELAY));
my $keepalive = unpack('i', getsockopt($socket, SOL_SOCKET, SO_KEEPALIVE));
print "nodelay=$nodelay keepalive=$keepalive\n";
