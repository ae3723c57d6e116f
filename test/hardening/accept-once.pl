#!/usr/bin/perl
# A wait = yes stream server: accepts one connection on the listening socket it got as
# fd 0, answers "held <pid>" and exits.
use strict;
use warnings;
use Socket;

accept(my $client, STDIN) or die "accept: $!\n";
syswrite($client, "held $$\n");
close($client);
