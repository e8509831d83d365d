package io.trialboot.markers;
