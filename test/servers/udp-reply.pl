#!/usr/bin/perl
# A wait = yes dgram test server: answers every datagram queued on fd 0 with
# "<pid>:<payload>", and exits once none arrived for the number of seconds in $ARGV[0].
use strict;
open(my $socket, '+<&=', 0) or die "fd 0: $!";
my $idle = $ARGV[0] // 0.3;
my $wanted = '';
vec($wanted, 0, 1) = 1;
while (select(my $ready = $wanted, undef, undef, $idle)) {
    my $peer = recv($socket, my $payload, 2048, 0);
    last unless defined $peer;
    send($socket, "$$:$payload", 0, $peer);
}
