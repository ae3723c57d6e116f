#!/usr/bin/perl
# A test server: prints each descriptor it inherited as "fd target", then its ids.
use strict;
use warnings;
# glob reads the directory and closes it before returning, so its descriptor is not listed.
for my $path (sort glob('/proc/self/fd/*')) {
  my $target = readlink($path);
  next unless defined $target;
  my ($fd) = $path =~ m{(\d+)$};
  print "$fd $target\n";
}
open(my $status, '<', '/proc/self/status') or die "status: $!";
my ($groups) = join('', <$status>) =~ /^Groups:[ \t]*(.*)$/m;
close($status);
$groups =~ s/\s+$//;
print "uid=$< euid=$> gid=" . (split(' ', $())[0] . " egid=" . (split(' ', $)))[0] . " groups=$groups\n";
